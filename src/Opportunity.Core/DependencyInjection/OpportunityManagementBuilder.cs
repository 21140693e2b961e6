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
    /// Makes one store the implementation of every persistence port: removes the registrations of
    /// <see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>, <see cref="IPartnerDirectory"/>,
    /// <see cref="IOutboxStore"/> and <see cref="IOpportunityImporter"/> (the in-memory defaults or
    /// an earlier adapter), and of <see cref="IRecordQuarantine"/>, <see cref="IForecastSnapshotStore"/>,
    /// <see cref="ISalesTargetStore"/>, <see cref="IForecastAdjustmentStore"/> and <see cref="IForecastSnapshotRunStore"/> when <typeparamref name="TStore"/> implements them,
    /// and resolves each to the singleton <typeparamref name="TStore"/>, also
    /// resolvable as itself. Adapters' <c>Use…</c> methods call this; so can your own adapter.
    /// Safe to call twice.
    /// </summary>
    public OpportunityManagementBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, ILeadStore, IOpportunityStore, IPartnerDirectory, IOutboxStore, IOpportunityImporter
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.TryAddSingleton(factory);
        Replace<ILeadStore, TStore>();
        Replace<IOpportunityStore, TStore>();
        Replace<IPartnerDirectory, TStore>();
        Replace<IOutboxStore, TStore>();
        Replace<IOpportunityImporter, TStore>();

        // The operators' quarantine list belongs to the store that quarantines; a store without one has none.
        Services.RemoveAll<IRecordQuarantine>();
        if (typeof(IRecordQuarantine).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IRecordQuarantine)sp.GetRequiredService<TStore>());
        }

        // The field history is written by the store that saves the records; a store without one has none.
        Services.RemoveAll<IFieldHistory>();
        if (typeof(IFieldHistory).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IFieldHistory)sp.GetRequiredService<TStore>());
        }

        // Erasure belongs to the store that keeps the data; a store without it cannot erase.
        Services.RemoveAll<IPersonalDataEraser>();
        if (typeof(IPersonalDataEraser).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IPersonalDataEraser)sp.GetRequiredService<TStore>());
        }

        // Forecast snapshots and targets move to the store that keeps them; a store without them leaves the default.
        if (typeof(IForecastSnapshotStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.RemoveAll<IForecastSnapshotStore>();
            Services.AddSingleton(sp => (IForecastSnapshotStore)sp.GetRequiredService<TStore>());
        }

        if (typeof(ISalesTargetStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.RemoveAll<ISalesTargetStore>();
            Services.AddSingleton(sp => (ISalesTargetStore)sp.GetRequiredService<TStore>());
        }

        if (typeof(IForecastAdjustmentStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.RemoveAll<IForecastAdjustmentStore>();
            Services.AddSingleton(sp => (IForecastAdjustmentStore)sp.GetRequiredService<TStore>());
        }

        if (typeof(IForecastSnapshotRunStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.RemoveAll<IForecastSnapshotRunStore>();
            Services.AddSingleton(sp => (IForecastSnapshotRunStore)sp.GetRequiredService<TStore>());
        }

        return this;
    }

    /// <summary>
    /// Makes <typeparamref name="TLog"/> the <see cref="IRoutingDecisionLog"/>: removes the
    /// registration of the in-memory default (or an earlier log) and resolves the port to the
    /// singleton <typeparamref name="TLog"/>, also resolvable as itself (registered with
    /// <paramref name="factory"/> unless it already is, e.g. by <see cref="UseStore{TStore}"/>).
    /// Works whether <c>AddLeadDistribution</c> was called before or is called after, because it
    /// registers its default only when none is registered. Durable adapters' <c>Use…</c> methods
    /// call this with their store. Safe to call twice.
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
