using Microsoft.Data.Sqlite;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>The savepoint each store call in the caller's transaction runs in.</summary>
    private const string Savepoint = "opportunity_store";

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The caller's transaction of the open <see cref="StoreTransaction"/> scope, or null without one.</summary>
    /// <exception cref="InvalidOperationException">The scope holds another provider's transaction.</exception>
    internal static SqliteTransaction? CallerTransaction() =>
        StoreTransaction.Current is not { } scope ? null
        : scope.Transaction as SqliteTransaction
            ?? throw new InvalidOperationException($"The open StoreTransaction holds a {scope.Transaction.GetType().Name}; SqliteStore runs only in a SqliteTransaction.");

    /// <summary>
    /// Runs <paramref name="work"/> in a savepoint of the caller's transaction on the caller's connection
    /// (prepared native statements included), one store call at a time. The store's connection settings
    /// (busy timeout, synchronous) are not applied: the connection is the caller's. A failure, or
    /// <paramref name="commitWhen"/> saying no, rolls back to the savepoint and leaves the caller's
    /// transaction usable. Commits nothing, retries nothing: a busy or locked database (another writer,
    /// or a read snapshot gone stale before the first write) becomes <see cref="TransactionRetryRequiredException"/>.
    /// </summary>
    private async Task<T> RunInCallerTransactionAsync<T>(SqliteTransaction transaction, Func<SqliteConnection, SqliteTransaction, Task<T>> work, Func<T, bool>? commitWhen, string operation, CancellationToken cancellationToken)
    {
        if (_autoMigrate && !_migrated)
        {
            await RequireMigratedAsync(cancellationToken).ConfigureAwait(false);
        }

        var scope = StoreTransaction.Current!;
        var connection = (SqliteConnection)scope.Connection;
        using var turn = await scope.BeginOperationAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SAVEPOINT {Savepoint};", cancellationToken).ConfigureAwait(false);
        T result;
        try
        {
            result = await work(connection, transaction).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            UndoSavepoint(connection, transaction);
            throw new TransactionRetryRequiredException(operation, $"{ex.Message.TrimEnd('.')}, SQLite error {ex.SqliteExtendedErrorCode}", ex);
        }
        catch
        {
            UndoSavepoint(connection, transaction);
            throw;
        }

        if (commitWhen?.Invoke(result) ?? true)
        {
            await ExecuteAsync(connection, transaction, $"RELEASE SAVEPOINT {Savepoint};", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            UndoSavepoint(connection, transaction);
        }

        return result;
    }

    /// <summary>
    /// Recognises a current schema with a plain read; a file that needs a migration is refused at once:
    /// migrating needs the write lock, which the caller's transaction holds (it would wait out the busy timeout).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not at <see cref="SchemaVersion"/>.</exception>
    private async Task RequireMigratedAsync(CancellationToken cancellationToken)
    {
        using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _migrated = await IsCurrentAsync(connection, cancellationToken).ConfigureAwait(false)
            ? true
            : throw new InvalidOperationException("The SQLite file is not migrated, and a migration cannot run while your transaction holds the write lock: call MigrateAsync (or make one store call) at start, before enlisting a transaction.");
    }

    /// <summary>
    /// Rolls the caller's transaction back to the savepoint and drops it. Never masks the call's own
    /// error: if SQLite already rolled the whole transaction back (it does on some errors), the caller
    /// learns that from its commit.
    /// </summary>
    private static void UndoSavepoint(SqliteConnection connection, SqliteTransaction transaction)
    {
        try
        {
            using var undo = Command(connection, transaction, $"ROLLBACK TO SAVEPOINT {Savepoint}; RELEASE SAVEPOINT {Savepoint};");
            undo.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // The call's error propagates; see the summary.
        }
    }
}
