using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

internal static class HierarchyTestData
{
    public static readonly TenantId Tenant = new("acme");

    public static readonly ForecastPeriod Q1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);

    public static Money Eur(decimal amount) => new(amount, CurrencyCode.EUR);

    public static Partner Partner(string id, string? channelManager) =>
        new(Tenant, new PartnerId(id), id, PartnerTier.Gold) { ChannelManagerEmail = channelManager };

    public static PipelineRow Row(string partner, decimal amount, ForecastCategory category, string? region, int basisPoints = 5_000, CurrencyCode? currency = null, int month = 2) =>
        new(new PartnerId(partner), new Money(amount, currency ?? CurrencyCode.EUR), category == ForecastCategory.Closed ? "Closed Won" : "Negotiation", Probability.FromBasisPoints(category == ForecastCategory.Closed ? 10_000 : basisPoints), category, new LocalDate(2025, month, 1))
        {
            Region = region,
        };
}
