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
    public void UseSqlite_CalledTwice_ReplacesEveryInMemoryPortWithOneSqliteStore()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).UseSqliteFile(_database.Path);
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<SqliteStore>();
        Assert.Same(store, provider.GetRequiredService<ILeadStore>());
        Assert.Same(store, provider.GetRequiredService<IOpportunityStore>());
        Assert.Same(store, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Same(store, provider.GetRequiredService<IOutboxStore>());
        Assert.Same(store, provider.GetRequiredService<IOpportunityImporter>());
        Assert.Same(store, provider.GetRequiredService<IForecastSnapshotStore>());
        Assert.Same(store, provider.GetRequiredService<ISalesTargetStore>());
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
