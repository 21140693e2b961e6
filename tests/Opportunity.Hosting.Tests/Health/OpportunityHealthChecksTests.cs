using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Hosting.Health;
using Opportunity.Persistence;
using Opportunity.Persistence.PostgreSql;
using Opportunity.Persistence.PostgreSql.Tests;
using Opportunity.Persistence.Sqlite;
using Opportunity.Pipelines;

namespace Opportunity.Hosting.Tests.Health;

/// <summary><c>AddHealthChecks().AddOpportunity()</c> over a real SQLite file and a real PostgreSQL schema.</summary>
public sealed class OpportunityHealthChecksTests : IDisposable
{
    private static readonly Instant Now = Instant.FromUtc(2025, 3, 4, 10, 0);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opportunity-health-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(Now);

    private string DatabasePath => Path.Combine(_folder, "app.db");

    [Fact]
    public async Task AddOpportunity_SqliteFileInUse_StoreAndOutboxHealthy()
    {
        using var provider = Build(b => b.UseSqliteFile(DatabasePath));
        await provider.GetRequiredService<IOutboxStore>().ListPendingAsync(); // first use migrates

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        var store = report.Entries[HealthChecksBuilderExtensions.StoreCheckName];
        Assert.Equal((SqliteStore.SchemaVersion, 0), (store.Data["schema_version"], store.Data["pending_migrations"]));
        Assert.Equal(HealthStatus.Healthy, report.Entries[HealthChecksBuilderExtensions.OutboxCheckName].Status);
        Assert.Contains("opportunity", store.Tags);
    }

    [Fact]
    public async Task AddOpportunity_SqliteFileNeverMigrated_StoreUnhealthyNamingThePendingMigrations()
    {
        using var provider = Build(b => b.UseSqlite(o =>
        {
            o.DatabasePath = DatabasePath;
            o.AutoMigrate = false;
        }));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == HealthChecksBuilderExtensions.StoreCheckName);

        var store = report.Entries[HealthChecksBuilderExtensions.StoreCheckName];
        Assert.Equal(HealthStatus.Unhealthy, store.Status);
        Assert.Equal((0, SqliteStore.SchemaVersion), (store.Data["schema_version"], store.Data["latest_schema_version"]));
        Assert.True((int)store.Data["pending_migrations"] > 0);
        Assert.Contains("MigrateAsync", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOpportunity_OutboxBacklogGrows_DegradedThenUnhealthyByCountAndByAge()
    {
        using var provider = Build(
            b => b.UseSqliteFile(DatabasePath),
            o =>
            {
                o.PendingDegraded = 2;
                o.PendingUnhealthy = 3;
                o.OldestPendingDegraded = Duration.FromMinutes(10);
                o.OldestPendingUnhealthy = Duration.FromHours(1);
            });
        var outbox = provider.GetRequiredService<IOutboxStore>();
        var health = provider.GetRequiredService<HealthCheckService>();
        async Task<HealthReportEntry> OutboxAsync() =>
            (await health.CheckHealthAsync(r => r.Name == HealthChecksBuilderExtensions.OutboxCheckName)).Entries[HealthChecksBuilderExtensions.OutboxCheckName];

        await outbox.EnqueueAsync([Message("m-1")]);
        var one = await OutboxAsync();
        await outbox.EnqueueAsync([Message("m-2")]);
        var two = await OutboxAsync();
        await outbox.EnqueueAsync([Message("m-3")]);
        var three = await OutboxAsync();

        Assert.Equal((HealthStatus.Healthy, HealthStatus.Degraded, HealthStatus.Unhealthy), (one.Status, two.Status, three.Status));
        Assert.Equal(3L, three.Data["pending"]);

        var claimed = await outbox.ClaimAsync(new DueWorkClaim(Now, 10, "host-a", Duration.FromMinutes(5)));
        Assert.True(await outbox.CompleteAsync("m-2", "host-a", Now));
        Assert.True(await outbox.CompleteAsync("m-3", "host-a", Now));
        Assert.Equal(3, claimed.Count);
        _clock.Advance(Duration.FromMinutes(10));
        var aged = await OutboxAsync();
        _clock.Advance(Duration.FromMinutes(50));
        var old = await OutboxAsync();

        Assert.Equal((HealthStatus.Degraded, HealthStatus.Unhealthy), (aged.Status, old.Status));
        Assert.Equal(3600d, old.Data["oldest_pending_age_seconds"]);
    }

    [Fact]
    public void AddOpportunity_DegradedAboveUnhealthy_FailsValidationNamingBoth()
    {
        using var provider = Build(b => b.UseSqliteFile(DatabasePath), o => o.OldestPendingDegraded = Duration.FromHours(3));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpportunityHealthCheckOptions>>().Value);

        Assert.Contains("OldestPendingDegraded", error.Message, StringComparison.Ordinal);
        Assert.Contains("OldestPendingUnhealthy", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AddOpportunity_PostgreSqlSchemaMigrated_Healthy()
    {
        var (store, _, drop) = await PostgresTestDatabase.CreateAsync(new PipelineCatalog());
        try
        {
            using var provider = Build(b => b.UseStorePorts(_ => store));

            var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            Assert.Equal(HealthStatus.Healthy, report.Status);
            Assert.Equal(PostgreSqlStore.SchemaVersion, report.Entries[HealthChecksBuilderExtensions.StoreCheckName].Data["schema_version"]);
        }
        finally
        {
            await drop();
        }
    }

    [PostgresFact]
    public async Task AddOpportunity_PostgreSqlSchemaMissing_StoreUnhealthy()
    {
        await using var store = PostgresTestDatabase.OpenStore("t_" + Guid.NewGuid().ToString("N"), new PipelineCatalog());
        using var provider = Build(b => b.UseStorePorts(_ => store));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == HealthChecksBuilderExtensions.StoreCheckName);

        var entry = report.Entries[HealthChecksBuilderExtensions.StoreCheckName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(0, entry.Data["schema_version"]);
    }

    [Fact]
    public async Task AddOpportunity_PostgreSqlServerUnreachable_StoreAndOutboxUnhealthy()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        using var provider = Build(b => b.UsePostgreSql("Host=127.0.0.1;Port=1;Username=nobody;Password=x;Timeout=3"));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries[HealthChecksBuilderExtensions.StoreCheckName].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[HealthChecksBuilderExtensions.OutboxCheckName].Status);
        Assert.NotNull(report.Entries[HealthChecksBuilderExtensions.StoreCheckName].Exception);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static OutboxMessage Message(string id) => new(id, new TenantId("acme"), "smtp", "Notification", "{}", Now);

    private ServiceProvider Build(Action<OpportunityManagementBuilder> store, Action<OpportunityHealthCheckOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IClock>(_clock);
        store(services.AddOpportunityManagement());
        services.AddHealthChecks().AddOpportunity(configure);
        return services.BuildServiceProvider();
    }
}
