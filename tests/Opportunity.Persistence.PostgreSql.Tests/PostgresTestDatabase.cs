using Npgsql;
using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// The real PostgreSQL server the tests use, from environment variables:
/// <c>OPPORTUNITY_POSTGRES</c> — a role that owns the test database (creates a fresh schema per
/// test and runs migrations) — and <c>OPPORTUNITY_POSTGRES_APP</c> — a role that is neither
/// superuser, owner nor BYPASSRLS, which the stores use so row-level security applies.
/// <c>.ci/postgres.sh</c> installs and starts a server and prints both. Without
/// <c>OPPORTUNITY_POSTGRES</c> every PostgreSQL test is skipped; when it is set but the server is
/// unreachable, the tests fail. Without <c>OPPORTUNITY_POSTGRES_APP</c> the stores run as the
/// owner (FORCE ROW LEVEL SECURITY still applies) and the non-owner test is skipped.
/// </summary>
internal static class PostgresTestDatabase
{
    public const string OwnerVariable = "OPPORTUNITY_POSTGRES";
    public const string AppVariable = "OPPORTUNITY_POSTGRES_APP";

    public const string SkipReason =
        $"PostgreSQL tests need a server: set {OwnerVariable} (owner role) and {AppVariable} (non-owner app role) to Npgsql connection strings, "
        + "e.g. `eval \"$(bash .ci/postgres.sh)\"` (installs and starts PostgreSQL from Debian's packages, creates both roles).";

    public static string? Owner => Environment.GetEnvironmentVariable(OwnerVariable) is { Length: > 0 } value ? value : null;

    public static string? App => Environment.GetEnvironmentVariable(AppVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Creates a store over a new, empty schema; disposing drops the schema.</summary>
    public static async Task<(PostgreSqlStore Store, string Schema, Func<ValueTask> Drop)> CreateAsync(PipelineCatalog pipelines)
    {
        var owner = Owner ?? throw new InvalidOperationException(SkipReason);
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var store = OpenStore(schema, pipelines);
        await store.MigrateAsync();
        return (store, schema, async () =>
        {
            await store.DisposeAsync();
            await ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        });
    }

    /// <summary>Another store (another host) over an existing schema.</summary>
    public static PostgreSqlStore OpenStore(string schema, PipelineCatalog pipelines)
    {
        var options = new PostgreSqlStoreOptions
        {
            ConnectionString = App ?? Owner!,
            MigrationConnectionString = Owner,
            Schema = schema,
            RecordFieldHistory = true,
        };
        if (App is { } app)
        {
            options.GrantTo.Add(new NpgsqlConnectionStringBuilder(app).Username!);
        }

        return new PostgreSqlStore(options, pipelines);
    }

    /// <summary>The application's own table in a test schema (one text column <c>id</c>, the primary key), for the shared-transaction tests.</summary>
    public const string OwnTable = "crm_rows";

    /// <summary>Creates <see cref="OwnTable"/> in <paramref name="schema"/>, writable by the app role.</summary>
    public static Task CreateOwnTableAsync(string schema) =>
        ExecuteAsOwnerAsync($"CREATE TABLE {schema}.{OwnTable} (id text PRIMARY KEY);" + (App is { } app ? $" GRANT SELECT, INSERT ON {schema}.{OwnTable} TO {new NpgsqlConnectionStringBuilder(app).Username};" : string.Empty));

    /// <summary>A connection of the application's role (the store's role), as the application's own code opens it.</summary>
    public static async Task<NpgsqlConnection> OpenAppConnectionAsync()
    {
        var connection = new NpgsqlConnection(App ?? Owner);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Every row of every table of <paramref name="schema"/> as text (<c>SELECT t::text</c>), read by the owner
    /// with its cross-tenant policies on, as UTF-8: what the erasure test searches for erased values.
    /// </summary>
    public static async Task<byte[]> DumpSchemaTextAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using (var system = new NpgsqlCommand("SELECT set_config('opportunity.system', 'on', false);", connection))
        {
            await system.ExecuteNonQueryAsync();
        }

        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename;", connection) { Parameters = { new() { Value = schema } } })
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM {schema}.\"{table}\" t;", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(table).Append(": ").Append(reader.GetString(0)).Append('\n');
            }
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    public static async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that is skipped, saying how to run it, when no PostgreSQL server is configured.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.Owner is null)
        {
            Skip = PostgresTestDatabase.SkipReason;
        }
    }

    /// <summary>Also skip unless the non-owner app role is configured.</summary>
    public bool RequiresAppRole
    {
        get => Skip is not null;
        init
        {
            if (value && Skip is null && PostgresTestDatabase.App is null)
            {
                Skip = $"Needs {PostgresTestDatabase.AppVariable}: a role that is neither superuser, owner nor BYPASSRLS. " + PostgresTestDatabase.SkipReason;
            }
        }
    }
}

/// <summary>Skips the inherited conformance suite when no PostgreSQL server is configured.</summary>
public sealed class RequiresPostgresAttribute : ConformanceSkipAttribute
{
    public override string? SkipReason => PostgresTestDatabase.Owner is null ? PostgresTestDatabase.SkipReason : null;
}
