using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;

namespace Opportunity.Core.Tests.Kpis;

internal static class KpiTestData
{
    public static readonly TenantId Tenant = new("acme");

    /// <summary>Friday 2025-01-10 15:00 UTC.</summary>
    public static readonly Instant Friday = Instant.FromUtc(2025, 1, 10, 15, 0);

    /// <summary>
    /// A lead offered to P1 (rejects after 1 h: "too far"), then P2 (lets the 4-hour SLA run out),
    /// then P3 at Friday 16:00 (accepts Monday 10:00, after its deadline), converted to opportunity "opp-1".
    /// </summary>
    public static (Lead Lead, List<DomainEvent> Events) LeadThroughThreePartners(FakeClock clock)
    {
        var lead = Lead.Capture(Tenant, new LeadId("lead-1"), new LeadDetails { Source = "web" }, "system", clock);
        lead.Qualify(LeadQualification.Full, "system", clock);
        lead.Assign(new PartnerId("P1"), clock.GetCurrentInstant() + Duration.FromHours(4), "system", clock);
        clock.Advance(Duration.FromHours(1));
        lead.Reject(new PartnerId("P1"), "too far", clock);
        lead.Assign(new PartnerId("P2"), clock.GetCurrentInstant() + Duration.FromHours(4), "system", clock);
        clock.Advance(Duration.FromHours(5));
        lead.Recall("system", clock);
        clock.Reset(Instant.FromUtc(2025, 1, 10, 16, 0));
        lead.Assign(new PartnerId("P3"), clock.GetCurrentInstant() + Duration.FromHours(24), "system", clock);
        clock.Reset(Instant.FromUtc(2025, 1, 13, 10, 0));
        lead.Accept(new PartnerId("P3"), clock);
        lead.Convert(new OpportunityId("opp-1"), "P3", clock);
        return (lead, [.. lead.PendingEvents]);
    }
}
