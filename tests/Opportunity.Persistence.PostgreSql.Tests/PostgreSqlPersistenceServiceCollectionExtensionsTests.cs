using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Opportunity.Persistence.PostgreSql.Tests;

public sealed class PostgreSqlPersistenceServiceCollectionExtensionsTests
{
    [Fact]
    public async Task UsePostgreSql_CalledTwice_ReplacesEveryInMemoryPortWithTheStoresPorts()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UsePostgreSql("Host=127.0.0.1;Database=x").UsePostgreSql(o => o.Schema = "crm");
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<PostgreSqlStore>();
        Assert.Same(store, provider.GetRequiredService<StorePorts>());
        Assert.Same(store.Leads, provider.GetRequiredService<ILeadStore>());
        Assert.Same(store.Opportunities, provider.GetRequiredService<IOpportunityStore>());
        Assert.Same(store.Partners, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Same(store.Outbox, provider.GetRequiredService<IOutboxStore>());
        Assert.Same(store.Importer, provider.GetRequiredService<IOpportunityImporter>());
        Assert.Same(store.ForecastSnapshots, provider.GetRequiredService<Forecasts.IForecastSnapshotStore>());
        Assert.Same(store.Targets, provider.GetRequiredService<Forecasts.ISalesTargetStore>());
        Assert.Same(store.Conversions, provider.GetRequiredService<ILeadConversionStore>());
        Assert.Same(store.ChangeFeed, provider.GetRequiredService<IChangeFeed>());
        Assert.Same(store, provider.GetRequiredService<IStoreSchema>());
        Assert.Single(services, d => d.ServiceType == typeof(IOutboxStore));
        Assert.Equal("crm", provider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value.Schema);
    }

    [Fact]
    public void UsePostgreSql_WithoutConnectionString_FailsValidationNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UsePostgreSql(_ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value);

        Assert.Contains(nameof(PostgreSqlStoreOptions.ConnectionString), ex.Message, StringComparison.Ordinal);
    }
}
