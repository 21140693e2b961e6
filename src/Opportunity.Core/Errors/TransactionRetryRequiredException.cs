namespace Opportunity;

/// <summary>
/// Thrown by a store working inside the caller's transaction (<see cref="Persistence.StoreTransaction"/>)
/// when the database refused the work for a reason only a new transaction cures: a serialization
/// failure or a deadlock (PostgreSQL <c>40001</c>, <c>40P01</c>), or a database locked by another
/// writer or a read snapshot gone stale before the first write (SQLite <c>SQLITE_BUSY</c>,
/// <c>SQLITE_BUSY_SNAPSHOT</c>). A store retries nothing inside a transaction it does not own: its own
/// statements were undone (to a savepoint), but the caller's transaction saw an outdated state, so roll
/// it back and run the whole unit of work again (<see cref="OpportunityErrorCodes.TransactionRetryRequired"/>).
/// </summary>
public sealed class TransactionRetryRequiredException : ConflictException
{
    /// <summary>Creates the exception for the database error <paramref name="innerException"/>.</summary>
    /// <param name="operation">The store operation that was refused, e.g. <c>UpdateAsync</c>.</param>
    /// <param name="reason">The database's reason in a few words, e.g. <c>serialization failure (40001)</c>.</param>
    /// <param name="innerException">The database error.</param>
    public TransactionRetryRequiredException(string operation, string reason, Exception? innerException = null)
        : base(OpportunityErrorCodes.TransactionRetryRequired, $"The store's {operation} in your transaction was refused by the database ({reason}); roll your transaction back and run the whole unit of work again.", innerException: innerException)
    {
        Operation = operation;
    }

    /// <summary>The store operation that was refused, e.g. <c>UpdateAsync</c>.</summary>
    public string Operation { get; }
}
