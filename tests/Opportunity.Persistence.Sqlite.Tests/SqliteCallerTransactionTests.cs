using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>
/// The application's transaction on a real SQLite file: workflow calls in a <see cref="StoreTransaction"/>
/// scope run on the app's connection and commit or roll back with the app's own rows; the store's connection
/// settings stay off the app's connection; a stale read snapshot is the typed retry error. The port-level
/// guarantees are in the conformance suite.
/// </summary>
public sealed class SqliteCallerTransactionTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 4, 10, 0));

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// The app writes its own row, captures a lead and qualifies it (routed to a partner) in one transaction
    /// of its own connection: rolled back, nothing of either is left (no lead, no outbox message, the
    /// partner's load counter unchanged); committed, all of it is there — for a second host too.
    /// </summary>
    [Fact]
    public async Task CaptureAndQualify_InTheAppsTransaction_CommitOrRollBackWithTheAppsRow()
    {
        using var provider = Build();
        var leads = provider.GetRequiredService<ILeadStore>();
        await provider.GetRequiredService<IPartnerDirectory>().UpsertAsync(new Partner(Tenant, new PartnerId("P-1"), "Partner P-1", PartnerTier.Gold)
        {
            Territories = [new Territory(new CountryCode("DE"), ["80"])],
        });
        await using (var setup = await OpenAppConnectionAsync())
        {
            await ExecuteAsync(setup, null, "CREATE TABLE crm_rows (id TEXT PRIMARY KEY);");
        }

        foreach (var commit in new[] { false, true })
        {
            var id = new LeadId(commit ? "L-commit" : "L-rollback");
            await using (var connection = await OpenAppConnectionAsync())
            using (var transaction = connection.BeginTransaction())
            {
                await ExecuteAsync(connection, transaction, $"INSERT INTO crm_rows (id) VALUES ('{id}');");
                using (StoreTransaction.Enlist(transaction))
                {
                    var intake = provider.GetRequiredService<LeadIntakeService>();
                    await intake.CaptureAsync(Tenant, id, new LeadDetails { Source = "web", Company = "Alpha " + id, Location = new LeadLocation(new CountryCode("DE"), "80331", "München") }, "web");
                    Assert.NotNull(await intake.QualifyAsync(Tenant, id, LeadQualification.Full, "sales"));
                }

                if (commit)
                {
                    transaction.Commit();
                }
                else
                {
                    transaction.Rollback();
                }
            }

            using var secondHost = new SqliteStore(_database.Path);
            Assert.Equal(commit, await secondHost.Leads.FindAsync(AccessScope.Manufacturer(Tenant), id) is { State: LeadState.Assigned });
            Assert.Equal(commit ? 3 : 0, (await secondHost.Outbox.ListPendingAsync()).Count(m => m.Id.Contains(id.Value, StringComparison.Ordinal)));
            Assert.Equal(commit ? 1 : 0, (await secondHost.Leads.ListPartnerLoadAsync(Tenant)).Sum(c => c.OpenLeads));
            await using var check = await OpenAppConnectionAsync();
            Assert.Equal(commit ? 1L : 0L, await ScalarAsync(check, null, $"SELECT count(*) FROM crm_rows WHERE id = '{id}';"));
        }

        Assert.Single(await ToListAsync(leads.QueryAsync(AccessScope.Manufacturer(Tenant), LeadQuery.All)));
    }

    /// <summary>The store's connection settings (busy timeout, synchronous) are its own connections' only: the app's connection keeps its own.</summary>
    [Fact]
    public async Task StoreCall_InTheAppsTransaction_LeavesTheAppsConnectionSettings()
    {
        using var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = _database.Path, BusyTimeout = Duration.FromSeconds(7), DurableCommits = false });
        await store.MigrateAsync();
        await using var connection = await OpenAppConnectionAsync();
        await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 1234; PRAGMA synchronous = FULL; PRAGMA cache_size = -4321;");
        using (var transaction = connection.BeginTransaction())
        {
            using (StoreTransaction.Enlist(transaction))
            {
                await store.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("L-1"), new LeadDetails { Source = "web" }, "web", _clock));
                // The import raises the page cache for its batch; the app's own setting comes back.
                Assert.True((await store.Importer.ImportAsync(new OpportunityImportBatch { Opportunities = [] })).IsValid);
            }

            transaction.Commit();
        }

        Assert.Equal(1234L, await ScalarAsync(connection, null, "PRAGMA busy_timeout;"));
        Assert.Equal(2L, await ScalarAsync(connection, null, "PRAGMA synchronous;"));
        Assert.Equal(-4321L, await ScalarAsync(connection, null, "PRAGMA cache_size;"));
    }

    /// <summary>
    /// A deferred transaction of the app read the lead (its snapshot begins); another host then updated it.
    /// The store's write in that transaction cannot upgrade a stale snapshot: the typed retry error, no
    /// retry inside the app's transaction, the other host's version kept.
    /// </summary>
    [Fact]
    public async Task UpdateAsync_ReadSnapshotStaleBeforeTheFirstWrite_ThrowsTransactionRetryRequired()
    {
        using var store = new SqliteStore(_database.Path);
        var scope = AccessScope.Manufacturer(Tenant);
        var id = new LeadId("L-1");
        await store.Leads.AddAsync(Lead.Capture(Tenant, id, new LeadDetails { Source = "web" }, "web", _clock));
        // A one-second command timeout: Microsoft.Data.Sqlite retries a busy statement until it runs out.
        await using var connection = await OpenAppConnectionAsync(commandTimeoutSeconds: 1);
        using var transaction = connection.BeginTransaction(deferred: true);
        Lead stale;
        using (StoreTransaction.Enlist(transaction))
        {
            stale = (await store.Leads.FindAsync(scope, id))!;
        }

        var other = (await store.Leads.FindAsync(scope, id))!;
        other.Qualify(LeadQualification.Full, "other-host", _clock);
        await store.Leads.UpdateAsync(other);

        using (StoreTransaction.Enlist(transaction))
        {
            stale.Disqualify("spam", "this-host", _clock);
            var ex = await Assert.ThrowsAsync<TransactionRetryRequiredException>(() => store.Leads.UpdateAsync(stale));
            Assert.Equal(OpportunityErrorCodes.TransactionRetryRequired, ex.ErrorCode);
            Assert.Equal(5, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        }

        transaction.Rollback();
        var stored = (await store.Leads.FindAsync(scope, id))!;
        Assert.Equal((LeadState.Qualified, 2L), (stored.State, stored.Version));
    }

    /// <summary>Scopes nest: the inner transaction wins until its scope ends, then the outer one is ambient again, and after both none.</summary>
    [Fact]
    public async Task Enlist_NestedScopes_InnerWinsAndDisposingBringsBackTheOuter()
    {
        await using var first = await OpenAppConnectionAsync();
        await using var second = await OpenAppConnectionAsync();
        using var outerTransaction = first.BeginTransaction(deferred: true);
        using var innerTransaction = second.BeginTransaction(deferred: true);

        using (StoreTransaction.Enlist(outerTransaction))
        {
            using (StoreTransaction.Enlist(innerTransaction))
            {
                Assert.Same(innerTransaction, StoreTransaction.Current!.Transaction);
            }

            Assert.Same(outerTransaction, StoreTransaction.Current!.Transaction);
            Assert.Same(first, StoreTransaction.Current.Connection);
        }

        Assert.Null(StoreTransaction.Current);
    }

    /// <summary>
    /// A task started in a scope carries it (as any AsyncLocal); once the scope is disposed, that task's
    /// store calls are refused instead of running on a connection whose transaction the app has moved on from.
    /// </summary>
    [Fact]
    public async Task StoreCall_FromATaskThatOutlivedItsScope_IsRefused()
    {
        using var store = new SqliteStore(_database.Path);
        await store.MigrateAsync();
        await using var connection = await OpenAppConnectionAsync();
        using var transaction = connection.BeginTransaction();
        var scopeEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task late;
        using (StoreTransaction.Enlist(transaction))
        {
            late = Task.Run(async () =>
            {
                await scopeEnded.Task;
                await store.Leads.AddAsync(Lead.Capture(Tenant, new LeadId("L-late"), new LeadDetails { Source = "web" }, "web", _clock));
            });
        }

        scopeEnded.SetResult();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => late);
        Assert.Contains("after its StoreTransaction scope was disposed", ex.Message, StringComparison.Ordinal);
        transaction.Commit();
        Assert.Null(await store.Leads.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId("L-late")));
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).AddLeadDistribution();
        return services.BuildServiceProvider();
    }

    /// <summary>The app's own connection (unpooled, so the test's file can be deleted afterwards).</summary>
    private async Task<SqliteConnection> OpenAppConnectionAsync(int commandTimeoutSeconds = 30)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_database.Path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database.Path, Pooling = false, DefaultTimeout = commandTimeoutSeconds }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
