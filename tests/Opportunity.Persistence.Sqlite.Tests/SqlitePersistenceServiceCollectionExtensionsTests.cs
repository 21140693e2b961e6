using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Persistence.Sqlite.Tests;

public sealed class SqlitePersistenceServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void UseSqlite_CalledTwice_ReplacesEveryInMemoryPortWithThePortsOfOneSqliteStore()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).UseSqliteFile(_database.Path);
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<SqliteStore>();
        Assert.Same(store, provider.GetRequiredService<StorePorts>());
        Assert.Same(store.Leads, provider.GetRequiredService<ILeadStore>());
        Assert.Same(store.Opportunities, provider.GetRequiredService<IOpportunityStore>());
        Assert.Same(store.Partners, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Same(store.Outbox, provider.GetRequiredService<IOutboxStore>());
        Assert.Same(store.Importer, provider.GetRequiredService<IOpportunityImporter>());
        Assert.Same(store.Conversions, provider.GetRequiredService<ILeadConversionStore>());
        Assert.Same(store.Merges, provider.GetRequiredService<ILeadMergeStore>());
        Assert.Same(store.ChangeFeed, provider.GetRequiredService<IChangeFeed>());
        Assert.Same(store, provider.GetRequiredService<IStoreSchema>());
        Assert.Same(store.ForecastSnapshots, provider.GetRequiredService<IForecastSnapshotStore>());
        Assert.Same(store.Targets, provider.GetRequiredService<ISalesTargetStore>());
        Assert.Single(services, d => d.ServiceType == typeof(ILeadStore));
        Assert.Single(services, d => d.ServiceType == typeof(ISalesTargetStore));
        Assert.IsNotType<InMemoryStore>(provider.GetRequiredService<IOutboxStore>());
    }

    [Fact]
    public void UseSqlite_WithoutPath_FailsValidationNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqlite(_ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);

        Assert.Contains(nameof(SqliteStoreOptions.DatabasePath), ex.Message, StringComparison.Ordinal);
    }
}
