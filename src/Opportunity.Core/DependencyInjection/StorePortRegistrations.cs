using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Persistence.InMemory;

namespace Opportunity;

/// <summary>
/// Resolves every port through the registered <see cref="StorePorts"/>, so that replacing the one
/// <see cref="StorePorts"/> registration moves them all. A port the adapter lacks resolves to
/// <see langword="null"/> (its readers take it as optional), except the routing decision log and the
/// forecast stores, which keep the in-memory ones.
/// </summary>
internal static class StorePortRegistrations
{
    /// <summary>Registers the ports: with <paramref name="replace"/> over any earlier registration, else only where none is.</summary>
    public static void Register(IServiceCollection services, bool replace)
    {
        Add<ILeadStore>(services, replace, sp => Ports(sp).Leads);
        Add<IOpportunityStore>(services, replace, sp => Ports(sp).Opportunities);
        Add<IPartnerDirectory>(services, replace, sp => Ports(sp).Partners);
        Add<IOutboxStore>(services, replace, sp => Ports(sp).Outbox);
        Add<IOpportunityImporter>(services, replace, sp => Ports(sp).Importer);
        Add<ILeadConversionStore>(services, replace, sp => Ports(sp).Conversions!);
        Add<ILeadMergeStore>(services, replace, sp => Ports(sp).Merges!);
        Add<IRecordQuarantine>(services, replace, sp => Ports(sp).Quarantine!);
        Add<IFieldHistory>(services, replace, sp => Ports(sp).FieldHistory!);
        Add<IPersonalDataEraser>(services, replace, sp => Ports(sp).Eraser!);
        Add<IPipelinePushDown>(services, replace, sp => Ports(sp).PushDown!);
        Add<IChangeFeed>(services, replace, sp => Ports(sp).ChangeFeed!);
        Add<IStoreSchema>(services, replace, sp => Ports(sp).Schema!);
        Add<IRoutingDecisionLog>(services, replace, sp => Ports(sp).DecisionLog ?? InMemory(sp));
        Add<IForecastSnapshotStore>(services, replace, sp => Ports(sp).ForecastSnapshots ?? InMemory(sp));
        Add<ISalesTargetStore>(services, replace, sp => Ports(sp).Targets ?? InMemory(sp));
        Add<IForecastAdjustmentStore>(services, replace, sp => Ports(sp).ForecastAdjustments ?? InMemory(sp));
        Add<IForecastSnapshotRunStore>(services, replace, sp => Ports(sp).ForecastSnapshotRuns ?? InMemory(sp));
    }

    private static StorePorts Ports(IServiceProvider services) => services.GetRequiredService<StorePorts>();

    private static InMemoryStore InMemory(IServiceProvider services) => services.GetRequiredService<InMemoryStore>();

    private static void Add<TPort>(IServiceCollection services, bool replace, Func<IServiceProvider, TPort> port)
        where TPort : class
    {
        if (replace)
        {
            services.RemoveAll<TPort>();
        }

        services.TryAddSingleton(port);
    }
}
