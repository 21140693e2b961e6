using NodaTime;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// Settings of <see cref="SqliteStore"/>. A database path, a connection string or the name of one
/// in configuration is all it needs (exactly one of <see cref="DatabasePath"/> and
/// <see cref="ConnectionString"/>/<see cref="ConnectionStringName"/>); everything else has a documented default.
/// </summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// The database file, e.g. <c>data/opportunity.db</c>. Created with its folder when missing. A
    /// relative path resolves against the host's content root (<c>IHostEnvironment.ContentRootPath</c>)
    /// when registered through DI, else the current directory. Default null.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=opportunity.db</c> (what EF
    /// Core's <c>UseSqlite</c> takes). A relative Data Source resolves as <see cref="DatabasePath"/>
    /// does. Validated at start: a bare path (no <c>=</c>) or an unknown keyword fails, naming this
    /// option. Default null.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The name of a connection string in configuration (<c>ConnectionStrings:&lt;name&gt;</c> of the
    /// registered <c>IConfiguration</c>), resolved at start when <see cref="ConnectionString"/> is not
    /// set; a missing one fails the start, naming it. Default null.
    /// </summary>
    public string? ConnectionStringName { get; set; }

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

    /// <summary>
    /// When true the store keeps the field history (<see cref="Opportunity.Persistence.IFieldHistory"/>):
    /// one row per change of an audited field, in the save's transaction, never purged. Default false —
    /// auditing is opt-in, as in Dynamics 365 and Salesforce, because it is permanent storage per change
    /// (about 450 bytes per routed lead in the storage benchmark, docs/persistence.md); when false,
    /// <c>ReadHistoryAsync</c> returns what was recorded while it was on.
    /// </summary>
    public bool RecordFieldHistory { get; set; }
}
