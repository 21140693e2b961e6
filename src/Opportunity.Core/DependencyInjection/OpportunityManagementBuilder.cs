using Microsoft.Extensions.DependencyInjection;

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
}
