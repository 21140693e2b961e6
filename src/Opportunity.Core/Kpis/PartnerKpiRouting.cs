using Opportunity.Routing;

namespace Opportunity.Kpis;

/// <summary>Feeds measured partner KPIs to routing's performance scorer.</summary>
public static class PartnerKpiRouting
{
    /// <summary>
    /// The routing view of a KPI report: per partner the raw acceptance rate, the median business
    /// time to accept, the raw conversion rate and the number of decided offers. Raw, because the
    /// performance scorer shrinks small samples toward the network itself (its prior strength).
    /// </summary>
    public static PartnerPerformanceTable ToPerformanceTable(this PartnerKpiReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new PartnerPerformanceTable(report.Partners
            .Where(k => k.AcceptanceRate.Trials > 0)
            .Select(k => new PartnerPerformance(
                k.Partner,
                k.AcceptanceRate.Raw ?? 0,
                k.TimeToAcceptBusiness.Median,
                k.Conversion.Raw ?? 0,
                (int)k.AcceptanceRate.Trials)));
    }
}
