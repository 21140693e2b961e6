using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Opportunity.Configuration;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Workflows;

namespace Opportunity;

/// <summary>
/// Returned by <see cref="OpportunityServiceCollectionExtensions.AddOpportunityManagement(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{OpportunityManagementOptions}?)"/>;
/// adapter packages hang their <c>Use…</c> and <c>Add…</c> methods on it (e.g. <c>UseSqlite</c>).
/// </summary>
public sealed class OpportunityManagementBuilder
{
    /// <summary>Creates a builder over a service collection.</summary>
    public OpportunityManagementBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;

        // Adapters bind their options from IConfiguration; NodaTime durations need our converter for that.
        ConfigurationConverters.Register();
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Makes one adapter's ports the implementation of every persistence port: registers the singleton
    /// <typeparamref name="TPorts"/> (also resolvable as itself, e.g. <c>GetRequiredService&lt;SqliteStore&gt;()</c>)
    /// as the <see cref="StorePorts"/>, and resolves every port from it, replacing the in-memory defaults or an
    /// earlier adapter: <see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>, <see cref="IPartnerDirectory"/>,
    /// <see cref="IOutboxStore"/>, <see cref="IOpportunityImporter"/>, and the optional ones
    /// (<see cref="ILeadConversionStore"/>, <see cref="ILeadMergeStore"/>, <see cref="IRecordQuarantine"/>,
    /// <see cref="IFieldHistory"/>, <see cref="IPersonalDataEraser"/>, <see cref="Forecasting.IPipelinePushDown"/>,
    /// <see cref="IChangeFeed"/>, <see cref="IStoreSchema"/>), which resolve to <see langword="null"/> when the
    /// adapter has none; the routing decision log (<see cref="IRoutingDecisionLog"/>, whether <c>AddLeadDistribution</c>
    /// is called before or after) and the forecast stores (<see cref="IForecastSnapshotStore"/>,
    /// <see cref="ISalesTargetStore"/>, <see cref="IForecastAdjustmentStore"/>, <see cref="IForecastSnapshotRunStore"/>)
    /// stay in memory when the adapter has none. Adapters' <c>Use…</c> methods call this; so can your own adapter.
    /// Safe to call twice.
    /// </summary>
    public OpportunityManagementBuilder UseStorePorts<TPorts>(Func<IServiceProvider, TPorts> factory)
        where TPorts : StorePorts
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (typeof(TPorts) == typeof(StorePorts))
        {
            return UsePorts(factory);
        }

        Services.TryAddSingleton(factory);
        return UsePorts(sp => sp.GetRequiredService<TPorts>());
    }

    /// <summary>
    /// <see cref="UseStorePorts{TPorts}"/> for a store written as one class that implements every required
    /// port (and each optional port it has): registers the singleton <typeparamref name="TStore"/>, also
    /// resolvable as itself, and its <see cref="StorePorts.Of{TStore}"/>. Safe to call twice.
    /// </summary>
    public OpportunityManagementBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.TryAddSingleton(factory);
        return UsePorts(sp => StorePorts.Of(sp.GetRequiredService<TStore>()));
    }

    private OpportunityManagementBuilder UsePorts(Func<IServiceProvider, StorePorts> ports)
    {
        Services.RemoveAll<StorePorts>();
        Services.AddSingleton(ports);
        StorePortRegistrations.Register(Services, replace: true);
        return this;
    }

    /// <summary>
    /// Makes <typeparamref name="TLog"/> the <see cref="IRoutingDecisionLog"/>: removes the
    /// registration of the in-memory default (or an earlier log) and resolves the port to the
    /// singleton <typeparamref name="TLog"/>, also resolvable as itself (registered with
    /// <paramref name="factory"/> unless it already is). For a log that is not part of a store's
    /// <see cref="StorePorts"/>.
    /// Works whether <c>AddLeadDistribution</c> was called before or is called after, because it
    /// registers its default only when none is registered. Safe to call twice.
    /// </summary>
    public OpportunityManagementBuilder UseRoutingDecisionLog<TLog>(Func<IServiceProvider, TLog> factory)
        where TLog : class, IRoutingDecisionLog
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.TryAddSingleton(factory);
        Replace<IRoutingDecisionLog, TLog>();
        return this;
    }

    private void Replace<TPort, TStore>()
        where TPort : class
        where TStore : class, TPort
    {
        Services.RemoveAll<TPort>();
        Services.AddSingleton<TPort>(sp => sp.GetRequiredService<TStore>());
    }
}
