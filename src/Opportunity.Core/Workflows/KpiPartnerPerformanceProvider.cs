using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Kpis;
using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>
/// Routing performance measured from the stores: the partner KPI report of the tenant (acceptance
/// rate, business time to accept, conversion), recomputed at most once per
/// <see cref="LeadDistributionOptions.PerformanceRefreshInterval"/>. Register it in place of
/// <see cref="NoPartnerPerformanceProvider"/> to let the <c>performance</c> scorer use real data.
/// </summary>
public sealed class KpiPartnerPerformanceProvider : IPartnerPerformanceProvider
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IClock _clock;
    private readonly ExpiringTenantCache<PartnerPerformanceTable> _cache;

    /// <summary>Creates the provider over the stores.</summary>
    public KpiPartnerPerformanceProvider(ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, IClock clock, IOptions<LeadDistributionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _leads = leads;
        _opportunities = opportunities;
        _partners = partners;
        _clock = clock;
        _cache = new(clock, () => options.Value.PerformanceRefreshInterval);
    }

    /// <inheritdoc />
    public ValueTask<PartnerPerformanceTable> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        _cache.GetAsync(tenant, ComputeAsync, cancellationToken);

    private async ValueTask<PartnerPerformanceTable> ComputeAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        // The currency only matters for deal sizes, which routing does not use.
        var report = await PartnerKpiReport.FromStoresAsync(_leads, _opportunities, _partners, AccessScope.Manufacturer(tenant), new PartnerKpiOptions(CurrencyCode.EUR, _clock.GetCurrentInstant()), cancellationToken).ConfigureAwait(false);
        return report.ToPerformanceTable();
    }
}
