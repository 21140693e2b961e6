using System.Data.Common;

namespace Opportunity.Persistence;

/// <summary>
/// The application's own database transaction, made ambient for the store calls of the current
/// async flow: while the scope is open, a SQL store (<c>PostgreSqlStore</c> with an
/// <c>NpgsqlTransaction</c>, <c>SqliteStore</c> with a <c>SqliteTransaction</c>) runs every
/// command of every workflow call — capture, qualify, accept, convert, … — on that transaction's
/// connection, inside that transaction, and commits nothing: the application's own rows, the
/// library's state and its outbox messages commit or roll back together when the application
/// commits or rolls back.
/// <code>
/// await using var transaction = await connection.BeginTransactionAsync();
/// // … the application's own commands on connection/transaction …
/// using (StoreTransaction.Enlist(transaction))
/// {
///     await intake.CaptureAsync(tenant, leadId, details, "web-form");
/// }
/// await transaction.CommitAsync();
/// </code>
/// <para>
/// Each store call runs inside a savepoint of the transaction: a call that fails (a
/// <see cref="ConcurrencyException"/>, a refused import) is undone alone and leaves the transaction
/// usable. The store retries nothing in a transaction it does not own: a serialization failure,
/// deadlock or busy database becomes a <see cref="TransactionRetryRequiredException"/>, after which
/// the caller runs the whole transaction again. Store calls in one scope run one at a time, in the
/// order they are made; queries are read completely before their first item is returned.
/// </para>
/// <para>
/// Aggregates written in the scope count as saved (their version advanced) when the store call
/// returns; after a rollback, load them again rather than saving the same instances. The scope
/// flows like any <see cref="AsyncLocal{T}"/>: open it in the method that makes the store calls (an
/// <c>async</c> helper that opens it and returns loses it). A store that is not a SQL store over the
/// same database (the in-memory store) does not take part in the caller's transaction.
/// </para>
/// </summary>
public sealed class StoreTransaction : IDisposable
{
    private static readonly AsyncLocal<StoreTransaction?> Ambient = new();

    private readonly StoreTransaction? _outer;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private volatile bool _disposed;

    private StoreTransaction(DbTransaction transaction, DbConnection connection, StoreTransaction? outer)
    {
        Transaction = transaction;
        Connection = connection;
        _outer = outer;
    }

    /// <summary>
    /// The scope open in the current async flow, or null: the store opens its own connection and
    /// transaction as usual. For adapter writers; applications call <see cref="Enlist"/>.
    /// </summary>
    public static StoreTransaction? Current => Ambient.Value;

    /// <summary>The caller's transaction the stores run their commands in.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>The connection of <see cref="Transaction"/>, taken when the scope was opened.</summary>
    public DbConnection Connection { get; }

    /// <summary>
    /// Opens a scope in which store calls of the current async flow run inside <paramref name="transaction"/>;
    /// dispose it before committing or rolling back. Scopes nest: disposing the inner one brings back the outer.
    /// </summary>
    /// <exception cref="ArgumentException">The transaction has already been committed or rolled back.</exception>
    public static StoreTransaction Enlist(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection
            ?? throw new ArgumentException("The transaction was already committed or rolled back; enlist an open one.", nameof(transaction));
        var scope = new StoreTransaction(transaction, connection, Ambient.Value);
        Ambient.Value = scope;
        return scope;
    }

    /// <summary>
    /// For adapter writers: waits until the previous store call in this transaction has finished, then
    /// checks that the scope and the transaction are still open. Dispose the result when the call ends.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scope was disposed (e.g. a task started in it outlived it), or the transaction has completed.</exception>
    public async Task<IDisposable> BeginOperationAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        var operation = new Operation(_oneAtATime);
        if (_disposed || Transaction.Connection is null)
        {
            operation.Dispose();
            throw new InvalidOperationException(_disposed
                ? "A store call was made after its StoreTransaction scope was disposed (a task started inside the scope outlived it); open a new scope for the transaction it should run in."
                : "A store call was made in a StoreTransaction scope whose transaction was already committed or rolled back; dispose the scope before completing the transaction.");
        }

        return operation;
    }

    /// <summary>Ends the scope: store calls of this flow open their own transactions again (or use the outer scope).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (ReferenceEquals(Ambient.Value, this))
        {
            Ambient.Value = _outer;
        }
    }

    private sealed class Operation(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
