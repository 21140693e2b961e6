using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// A paused lead and a paused opportunity read back with their pause (since when, why, the held due
    /// time), are never claimed as due while paused, and are claimed again at their moved due time once
    /// resumed.
    /// </summary>
    [ConformanceFact]
    public async Task ClockPause_PausedRecords_RoundTripAndAreNotClaimedUntilResumed()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        var calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);
        var lead = AssignedLead(TenantA, "lead-1", P1, Clock);
        lead.ScheduleNextDue(Clock.GetCurrentInstant() + Duration.FromHours(1));
        await Store.Leads.AddAsync(lead);
        var deal = NewOpportunity(TenantA, "opp-1", P1, Clock);
        deal.ScheduleNextDue(Clock.GetCurrentInstant() + Duration.FromHours(2));
        await Store.Opportunities.AddAsync(deal);

        lead.PauseClock("waiting on the customer", "sales", Clock);
        deal.PauseClock("customer's budget round", "sales", Clock);
        await Store.Leads.UpdateAsync(lead);
        await Store.Opportunities.UpdateAsync(deal);

        var storedLead = (await Store.Leads.FindAsync(scope, lead.Id))!;
        var storedDeal = (await Store.Opportunities.FindAsync(scope, deal.Id))!;
        Assert.Equal(Doc(lead), Doc(storedLead));
        Assert.Equal(Doc(deal), Doc(storedDeal));
        Assert.Equal(new ClockPause(Start, "waiting on the customer") { HeldDueAt = Start + Duration.FromHours(1) }, storedLead.ClockPause);
        Assert.Null(storedDeal.NextDueAt);
        var later = new DueWorkClaim(Start + Duration.FromDays(30), 10, "host-a", Duration.FromMinutes(1));
        Assert.Empty(await Store.Leads.ClaimDueAsync(later));
        Assert.Empty(await Store.Opportunities.ClaimDueAsync(later));

        Clock.Advance(Duration.FromDays(1)); // Monday 09:00 to Tuesday 09:00: 8 working hours
        storedLead.ResumeClock(calendar, "sales", Clock);
        storedDeal.ResumeClock(calendar, "sales", Clock);
        await Store.Leads.UpdateAsync(storedLead);
        await Store.Opportunities.UpdateAsync(storedDeal);

        var resumed = (await Store.Leads.FindAsync(scope, lead.Id))!;
        Assert.Null(resumed.ClockPause);
        Assert.Equal(Start + Duration.FromHours(25), resumed.NextDueAt);
        Assert.Equal(Start + Duration.FromHours(26), (await Store.Opportunities.FindAsync(scope, deal.Id))!.NextDueAt);
        var due = new DueWorkClaim(Start + Duration.FromHours(26), 10, "host-a", Duration.FromMinutes(1));
        Assert.Equal([lead.Id], (await Store.Leads.ClaimDueAsync(due)).Select(l => l.Id));
        Assert.Equal([deal.Id], (await Store.Opportunities.ClaimDueAsync(due)).Select(o => o.Id));
    }
}
