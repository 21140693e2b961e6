namespace Opportunity.Persistence;

/// <summary>A store's schema as found in the database, for health checks (see <see cref="IStoreSchema"/>).</summary>
/// <param name="Version">The highest migration applied to the database; 0 when it was never migrated.</param>
/// <param name="LatestVersion">The migration this library brings the database to.</param>
/// <param name="Pending">How many of this library's migrations are not applied.</param>
public sealed record StoreSchemaStatus(int Version, int LatestVersion, int Pending)
{
    /// <summary>True when every migration of this library is applied.</summary>
    public bool IsCurrent => Pending == 0;
}
