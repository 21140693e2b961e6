using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlStore"/>. A connection string (or the application's data source) is all it needs; everything else has a documented default.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// The Npgsql connection string the store reads and writes with. Use a role that is neither
    /// superuser, table owner nor BYPASSRLS, so row-level security applies as a second line of
    /// defence. Validated at start (an unknown keyword fails, naming this option). Required unless
    /// <see cref="ConnectionStringName"/> or <see cref="DataSource"/> is set.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The application's own data source, e.g. the one <c>AddNpgsqlDataSource</c> registers: the store
    /// opens every connection from it, so it shares the application's pool, authentication (a
    /// password provider, tokens) and settings. The store sets nothing on the data source and scopes
    /// each transaction itself (<c>set_config(…, true)</c>, schema-qualified names), so the
    /// application's type mappings and search path do not matter to it. The application keeps
    /// ownership: disposing the store leaves it open. When set, <see cref="ConnectionString"/> and
    /// <see cref="ConnectionStringName"/> stay empty. Default null.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The name of a connection string in configuration (<c>ConnectionStrings:&lt;name&gt;</c> of the
    /// registered <c>IConfiguration</c>), resolved at start when <see cref="ConnectionString"/> is
    /// empty; a missing one fails the start, naming it. Default null.
    /// </summary>
    public string? ConnectionStringName { get; set; }

    /// <summary>
    /// The name of the migration connection string in configuration, resolved at start when
    /// <see cref="MigrationConnectionString"/> is null; a missing one fails the start, naming it. Default null.
    /// </summary>
    public string? MigrationConnectionStringName { get; set; }

    /// <summary>
    /// The connection string migrations run with: a role that owns (or may create) the schema. It
    /// also owns the functions through which the store's role works across tenants, and only it may
    /// read across tenants; the store's role must not be a member of it.
    /// Default null: <see cref="ConnectionString"/>, or connections of <see cref="DataSource"/>.
    /// </summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary>The PostgreSQL schema holding the tables. Lower-case letters, digits and underscores. Default <c>opportunity</c>.</summary>
    public string Schema { get; set; } = "opportunity";

    /// <summary>Creates or migrates the schema on first use. Default true; when false call <see cref="PostgreSqlStore.MigrateAsync"/> at deployment.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>
    /// Roles that migrations grant the store's rights to (usage of the schema; select, insert,
    /// update on the tables; select, insert on the routing decisions; execute on the owner's
    /// functions doing the cross-tenant claims and outbox work). Default empty: grant them yourself
    /// (docs/persistence.md lists the statements).
    /// </summary>
    public IList<string> GrantTo { get; } = [];

    /// <summary>
    /// When true the store keeps the field history (<see cref="Opportunity.Persistence.IFieldHistory"/>):
    /// one row per change of an audited field, in the save's transaction, never purged. Default false —
    /// auditing is opt-in, as in Dynamics 365 and Salesforce, because it is permanent storage per change
    /// (about 450 bytes per routed lead in the storage benchmark, docs/persistence.md); when false,
    /// <c>ReadHistoryAsync</c> returns what was recorded while it was on.
    /// </summary>
    public bool RecordFieldHistory { get; set; }
}
