using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
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
/// <remarks>
/// The report is computed in the currency most of the tenant's deals are in (ties: the lower code),
/// so a tenant dealing in one currency needs no rates; other currencies convert with the
/// <see cref="IExchangeRateProvider"/> registered in DI (the one the forecasts use). When a rate is
/// missing, routing does not stop: it keeps the tenant's last table (none before the first: every
/// partner scores as the network) until the next refresh, and a warning names the currency pair.
/// </remarks>
public sealed class KpiPartnerPerformanceProvider : IPartnerPerformanceProvider
{
    private readonly ILeadStore _leads;
    private readonly IOpportunityStore _opportunities;
    private readonly IPartnerDirectory _partners;
    private readonly IClock _clock;
    private readonly IExchangeRateProvider? _rates;
    private readonly ILogger _logger;
    private readonly ExpiringTenantCache<PartnerPerformanceTable> _cache;

    /// <summary>Creates the provider over the stores; <paramref name="rates"/> converts deals in other currencies, the logger reports missing rates.</summary>
    public KpiPartnerPerformanceProvider(
        ILeadStore leads,
        IOpportunityStore opportunities,
        IPartnerDirectory partners,
        IClock clock,
        IOptions<LeadDistributionOptions> options,
        IExchangeRateProvider? rates = null,
        ILogger<KpiPartnerPerformanceProvider>? logger = null)
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
        _rates = rates;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _cache = new(clock, () => options.Value.PerformanceRefreshInterval);
    }

    /// <inheritdoc />
    public ValueTask<PartnerPerformanceTable> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        _cache.GetAsync(tenant, ComputeAsync, cancellationToken);

    private async ValueTask<PartnerPerformanceTable> ComputeAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var inputs = await PartnerKpiReport.ReadStoresAsync(_leads, _opportunities, _partners, AccessScope.Manufacturer(tenant), cancellationToken).ConfigureAwait(false);
        var options = new PartnerKpiOptions(ReportingCurrency(inputs), _clock.GetCurrentInstant()) { Rates = _rates };
        try
        {
            return inputs.Compute(options).ToPerformanceTable();
        }
        catch (ExchangeRateNotFoundException ex)
        {
            WorkflowLog.PerformanceRateMissing(_logger, tenant.Value, ex.From.Code, ex.To.Code);
            return _cache.TryPeek(tenant, out var last) ? last : PartnerPerformanceTable.Empty;
        }
    }

    /// <summary>The currency most of the tenant's deals (open or closed) are in, ties to the lower code; EUR without deals.</summary>
    private static CurrencyCode ReportingCurrency(PartnerKpiReport.StoredInputs inputs) =>
        inputs.Histories.Select(h => h.Amount.Currency)
            .GroupBy(c => c)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Code, StringComparer.Ordinal)
            .Select(g => (CurrencyCode?)g.Key)
            .FirstOrDefault() ?? CurrencyCode.EUR;
}
