using System.Data.Common;
using Microsoft.Data.Sqlite;
using Opportunity.Pipelines;
using Opportunity.Testing.Conformance;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>The shared conformance suite against a real SQLite file per test.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(PipelineCatalog pipelines)
    {
        var database = new TempDatabase();
        var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = database.Path, RecordFieldHistory = true }, pipelines);
        CreateOwnTable(database.Path);
        return Task.FromResult(Wrap(store, () =>
        {
            store.Dispose();
            database.Dispose();
        }, database.Path, pipelines));
    }

    // Every import larger than the table it goes into builds the indexes set-wise (ImportUpkeep),
    // so the suite's small imports take that path as well as the row-by-row one.
    private static StoreUnderTest Wrap(SqliteStore store, Action dispose, string path, PipelineCatalog pipelines)
    {
        store.ImportIndexRebuildMinimum = 1;
        return new(store.Leads, store.Opportunities, store.Partners, store.Outbox, () =>
        {
            dispose();
            return ValueTask.CompletedTask;
        })
        {
            Caller = new CallerDatabase(() => OpenCallerConnectionAsync(path), OwnTable),
            Importer = store.Importer,
            Conversions = store.Conversions,
            Merges = store.Merges,
            Schema = store,
            PipelineRows = (IPipelineRowSource)store.Opportunities,
            ForecastSnapshots = store.ForecastSnapshots,
            Targets = store.Targets,
            ForecastAdjustments = store.ForecastAdjustments,
            ForecastSnapshotRuns = store.ForecastSnapshotRuns,
            PushDown = store.PushDown,
            ChangeFeed = store.ChangeFeed,
            WritersWaitForOpenTransactions = true,
            DecisionLog = store.DecisionLog,
            FieldHistory = store.FieldHistory,
            Eraser = store.Eraser,
            ReadStoredBytes = () => ReadFileBytesAsync(path),
            Quarantine = store.Quarantine,
            CorruptLead = (tenant, id) => store.CorruptLeadAsync(tenant, id),
            FaultPoints = SqliteStore.FaultPoints,
            ArmFault = point => store.FaultHook = InjectedFaultException.ThrowAt(point),
            OpenAnotherInstance = () =>
            {
                var other = new SqliteStore(new SqliteStoreOptions { DatabasePath = path, RecordFieldHistory = true }, pipelines);
                return Task.FromResult(Wrap(other, other.Dispose, path, pipelines));
            },
        };
    }

    /// <summary>The database file and its WAL as they lie on disk, after a checkpoint that copies the WAL into the file and empties it.</summary>
    private static async Task<byte[]> ReadFileBytesAsync(string path)
    {
        using (var connection = new SqliteConnection(CallerConnectionString(path)))
        {
            await connection.OpenAsync();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        var wal = path + "-wal";
        return [.. await File.ReadAllBytesAsync(path), .. File.Exists(wal) ? await File.ReadAllBytesAsync(wal) : []];
    }

    /// <summary>The application's own table in the test's file (one text column <c>id</c>, the primary key).</summary>
    private const string OwnTable = "crm_rows";

    private static void CreateOwnTable(string path)
    {
        using var connection = new SqliteConnection(CallerConnectionString(path));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TABLE {OwnTable} (id TEXT PRIMARY KEY);";
        command.ExecuteNonQuery();
    }

    /// <summary>A connection of the application's own (unpooled, so the test's file can be deleted afterwards).</summary>
    private static async Task<DbConnection> OpenCallerConnectionAsync(string path)
    {
        var connection = new SqliteConnection(CallerConnectionString(path));
        await connection.OpenAsync();
        return connection;
    }

    private static string CallerConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
}
