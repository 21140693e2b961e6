namespace Opportunity.Persistence;

/// <summary>
/// A store with a database schema reports whether the database is reachable and migrated: a
/// read only, it never migrates. The health checks of Opportunity.Hosting ask it; the in-memory
/// store has no schema and is always current.
/// </summary>
public interface IStoreSchema
{
    /// <summary>Reads the applied migrations from the database.</summary>
    /// <exception cref="Exception">The database cannot be reached (the driver's exception).</exception>
    Task<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default);
}
