using NodaTime;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Settings of <see cref="SqliteStore"/>. A database path is all it needs; everything else has a documented default.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// The database file. Created with its folder when missing. Required unless
    /// <see cref="ConnectionString"/> is set.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// A full Microsoft.Data.Sqlite connection string; when set it wins over <see cref="DatabasePath"/>.
    /// Default null.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Creates or migrates the schema on first use. Default true; when false call <see cref="SqliteStore.MigrateAsync"/> yourself.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>How long a writer waits for another process's write lock before failing. Default 30 seconds; must be positive.</summary>
    public Duration BusyTimeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>
    /// When true (default) every commit is flushed to disk (<c>synchronous=FULL</c>), so a power
    /// loss loses no committed change. False uses <c>synchronous=NORMAL</c>: faster, still never
    /// corrupt, but the last commits may be lost on power failure (not on a process crash).
    /// </summary>
    public bool DurableCommits { get; set; } = true;
}
