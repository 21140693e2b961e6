using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Core.Tests.DependencyInjection;

public sealed class AddOpportunityManagementTests
{
    [Fact]
    public void Registers_ClockStoresAndOptions_ResolvingOneSharedStore()
    {
        var services = new ServiceCollection();
        var builder = services.AddOpportunityManagement(o => o.ClaimBatchSize = 50);
        Assert.Same(services, builder.Services);
        using var provider = services.BuildServiceProvider();

        Assert.Same(SystemClock.Instance, provider.GetRequiredService<IClock>());
        var store = provider.GetRequiredService<InMemoryStore>();
        Assert.Same(store, provider.GetRequiredService<ILeadStore>());
        Assert.Same(store, provider.GetRequiredService<IOpportunityStore>());
        Assert.Same(store, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Same(store, provider.GetRequiredService<IOutboxStore>());
        Assert.Same(store, provider.GetRequiredService<IForecastSnapshotStore>());
        Assert.Same(store, provider.GetRequiredService<ISalesTargetStore>());
        Assert.Equal(50, provider.GetRequiredService<IOptions<OpportunityManagementOptions>>().Value.ClaimBatchSize);
    }

    [Fact]
    public void AddLeadDistribution_WithoutADurableStore_DecisionLogIsTheSharedInMemoryStore()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddLeadDistribution();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<InMemoryStore>(), provider.GetRequiredService<IRoutingDecisionLog>());
    }

    [Fact]
    public void CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement();
        services.AddOpportunityManagement();
        foreach (var type in new[] { typeof(IClock), typeof(InMemoryStore), typeof(ILeadStore), typeof(IOutboxStore), typeof(IValidateOptions<OpportunityManagementOptions>) })
        {
            Assert.Single(services, d => d.ServiceType == type);
        }
    }

    [Fact]
    public void ExistingClock_IsKept()
    {
        var services = new ServiceCollection();
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        services.AddSingleton<IClock>(clock);
        services.AddOpportunityManagement();
        using var provider = services.BuildServiceProvider();
        Assert.Same(clock, provider.GetRequiredService<IClock>());
    }

    [Fact]
    public void InvalidOptions_FailValidation_NamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement(o =>
        {
            o.ClaimBatchSize = 0;
            o.ClaimLease = Duration.Zero;
            o.HostId = " ";
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpportunityManagementOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("ClaimBatchSize", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ClaimLease", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("HostId", StringComparison.Ordinal));
    }

    [Fact]
    public void NullServices_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => OpportunityServiceCollectionExtensions.AddOpportunityManagement(null!));
    }
}
