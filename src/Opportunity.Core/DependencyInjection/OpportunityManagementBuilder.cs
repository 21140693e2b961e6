using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Opportunity.Persistence;

namespace Opportunity;

/// <summary>
/// Returned by <see cref="OpportunityCoreServiceCollectionExtensions.AddOpportunityManagement"/>;
/// adapter packages hang their <c>Use…</c> and <c>Add…</c> methods on it (e.g. <c>UseSqlite</c>).
/// </summary>
public sealed class OpportunityManagementBuilder
{
    /// <summary>Creates a builder over a service collection.</summary>
    public OpportunityManagementBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Makes one store the implementation of every persistence port: removes the registrations of
    /// <see cref="ILeadStore"/>, <see cref="IOpportunityStore"/>, <see cref="IPartnerDirectory"/>,
    /// <see cref="IOutboxStore"/> and <see cref="IOpportunityImporter"/> (the in-memory defaults or
    /// an earlier adapter) and resolves each to the singleton <typeparamref name="TStore"/>, also
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
