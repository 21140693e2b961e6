using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Core.Tests.Workflows;
using Opportunity.Leads;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.DependencyInjection;

public sealed class UseStorePortsTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 3, 2, 9, 0));

    [Fact]
    public void UseStorePorts_PortsOfSeparateObjects_EachPortResolvesToItsOwnObject()
    {
        var ports = new SplitPorts();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddLeadDistribution().UseStorePorts(_ => ports);
        using var provider = services.BuildServiceProvider();

        Assert.Same(ports, provider.GetRequiredService<SplitPorts>());
        Assert.Same(ports, provider.GetRequiredService<StorePorts>());
        Assert.Same(ports.Leads, provider.GetRequiredService<ILeadStore>());
        Assert.Same(ports.Opportunities, provider.GetRequiredService<IOpportunityStore>());
        Assert.Same(ports.Partners, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Same(ports.Outbox, provider.GetRequiredService<IOutboxStore>());
        Assert.Same(ports.Importer, provider.GetRequiredService<IOpportunityImporter>());
        Assert.Same(ports.Conversions, provider.GetRequiredService<ILeadConversionStore>());
        Assert.Same(ports.DecisionLog, provider.GetRequiredService<IRoutingDecisionLog>());
        Assert.Same(ports.ForecastSnapshots, provider.GetRequiredService<IForecastSnapshotStore>());
    }

    [Fact]
    public void UseStorePorts_OptionalPortsMissing_ResolveToNullExceptTheLogAndForecastStoresWhichStayInMemory()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseStorePorts(_ => new SplitPorts(withOptional: false)).AddLeadDistribution();
        using var provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<ILeadConversionStore>());
        Assert.Null(provider.GetService<ILeadMergeStore>());
        Assert.Null(provider.GetService<IRecordQuarantine>());
        Assert.Null(provider.GetService<IFieldHistory>());
        Assert.Null(provider.GetService<IPersonalDataEraser>());
        Assert.Null(provider.GetService<IPipelinePushDown>());
        Assert.Null(provider.GetService<IChangeFeed>());
        Assert.Null(provider.GetService<IStoreSchema>());
        var memory = provider.GetRequiredService<InMemoryStore>();
        Assert.Same(memory, provider.GetRequiredService<IRoutingDecisionLog>());
        Assert.Same(memory, provider.GetRequiredService<IForecastSnapshotStore>());
        Assert.Same(memory, provider.GetRequiredService<ISalesTargetStore>());
        Assert.Same(memory, provider.GetRequiredService<IForecastAdjustmentStore>());
        Assert.Same(memory, provider.GetRequiredService<IForecastSnapshotRunStore>());
    }

    [Fact]
    public async Task UseStorePorts_ConversionPortOfItsOwn_PartnerLeadServiceConvertsThroughIt()
    {
        // Neither the lead nor the opportunity port is a conversion store: the service must take the registered port.
        var ports = new SplitPorts();
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Clock);
        services.AddOpportunityManagement()
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build())
            .UseStorePorts(_ => ports);
        using var provider = services.BuildServiceProvider();
        var tenant = DistributionHarness.Tenant;
        await provider.GetRequiredService<IPartnerDirectory>().UpsertAsync(DistributionHarness.Partner("P-a"));
        var intake = provider.GetRequiredService<LeadIntakeService>();
        await intake.CaptureAsync(tenant, new LeadId("L-1"), DistributionHarness.Details(), "web");
        await intake.QualifyAsync(tenant, new LeadId("L-1"), LeadQualification.Full, "sales");
        var partnerLeads = provider.GetRequiredService<PartnerLeadService>();
        await partnerLeads.AcceptAsync(tenant, new PartnerId("P-a"), new LeadId("L-1"));

        var converted = await partnerLeads.ConvertAsync(tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2026, 6, 30));

        Assert.Equal(1, ports.ConversionCalls);
        Assert.Equal(new OpportunityId("O-1"), converted.Id);
        Assert.NotNull(await ports.Opportunities.FindAsync(AccessScope.Manufacturer(tenant), new OpportunityId("O-1")));
    }

    [Fact]
    public void UseStore_OneObjectWithEveryPort_EveryPortIsThatObject()
    {
        var store = new InMemoryStore(new PipelineCatalog(), Clock);
        var services = new ServiceCollection();
        services.AddSingleton(store);   // the in-memory store is registered by AddOpportunityManagement unless one is
        services.AddOpportunityManagement().UseStore(sp => sp.GetRequiredService<InMemoryStore>()).UseStore(sp => sp.GetRequiredService<InMemoryStore>());
        using var provider = services.BuildServiceProvider();

        Assert.Same(store, provider.GetRequiredService<ILeadStore>());
        Assert.Same(store, provider.GetRequiredService<ILeadConversionStore>());
        Assert.Same(store, provider.GetRequiredService<ILeadMergeStore>());
        Assert.Same(store, provider.GetRequiredService<IChangeFeed>());
        Assert.Same(store, provider.GetRequiredService<IStoreSchema>());
        Assert.Single(services, d => d.ServiceType == typeof(StorePorts));
        Assert.Single(services, d => d.ServiceType == typeof(ILeadStore));
    }

    /// <summary>Each port a different object (forwarding to in-memory stores), as the SQL adapters are built.</summary>
    private sealed class SplitPorts : StorePorts
    {
        private readonly InMemoryStore _data = new(new PipelineCatalog(), Clock);
        private readonly InMemoryStore _forecasts = new(new PipelineCatalog(), Clock);
        private readonly bool _withOptional;

        public SplitPorts(bool withOptional = true)
        {
            _withOptional = withOptional;
            Leads = Forwarding<ILeadStore>.To(_data);
            Opportunities = Forwarding<IOpportunityStore>.To(_data);
            Partners = Forwarding<IPartnerDirectory>.To(_data);
            Conversions = withOptional ? Forwarding<ILeadConversionStore>.To(_data, () => ConversionCalls++) : null;
        }

        public int ConversionCalls { get; private set; }

        public override ILeadStore Leads { get; }

        public override IOpportunityStore Opportunities { get; }

        public override IPartnerDirectory Partners { get; }

        public override IOutboxStore Outbox => _data;

        public override IOpportunityImporter Importer => _data;

        public override ILeadConversionStore? Conversions { get; }

        public override IRoutingDecisionLog? DecisionLog => _withOptional ? _forecasts : null;

        public override IForecastSnapshotStore? ForecastSnapshots => _withOptional ? _forecasts : null;
    }

    /// <summary>An object that implements <typeparamref name="TPort"/> only, forwarding every call to a store.</summary>
    public class Forwarding<TPort> : DispatchProxy
        where TPort : class
    {
        private object _target = null!;
        private Action? _onCall;

        public static TPort To(object target, Action? onCall = null)
        {
            var proxy = Create<TPort, Forwarding<TPort>>();
            var forwarding = (Forwarding<TPort>)(object)proxy;
            forwarding._target = target;
            forwarding._onCall = onCall;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name.StartsWith("Convert", StringComparison.Ordinal))
            {
                _onCall?.Invoke();
            }

            try
            {
                return targetMethod.Invoke(_target, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
