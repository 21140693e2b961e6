using NodaTime;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Typed activities (a call with its outcome, a completed task, a next step) are stored with the
    /// lead and with the opportunity, read back equal in order, for the manufacturer and the partner,
    /// with the last activity time a late-logged call gave; their events reach the outbox.
    /// </summary>
    [ConformanceFact]
    public async Task Activities_OnLeadAndOpportunity_RoundTripWithTasksAndNextStep()
    {
        var lead = await StoreAcceptedLeadAsync(TenantA, "lead-act");
        Clock.AdvanceHours(5);
        lead.RecordActivity(new SalesActivityDraft(SalesActivityKind.Call, "First call") { Outcome = "Wants a quote.", OccurredAt = Clock.GetCurrentInstant() - Duration.FromHours(1) }, P1.Value, Clock);
        var task = lead.RecordActivity(SalesActivityDraft.Task("Send the quote", Clock.GetCurrentInstant() + Duration.FromDays(2)), P1.Value, Clock);
        lead.CompleteTask(task.Number, "Sent, 12 kW.", P1.Value, Clock);
        lead.RecordActivity(SalesActivityDraft.NextStep("Site visit", Clock.GetCurrentInstant() + Duration.FromDays(7)), P1.Value, Clock);
        await Store.Leads.UpdateAsync(lead);

        var deal = NewOpportunity(TenantA, "opp-act", P1, Clock);
        await Store.Opportunities.AddAsync(deal);
        Clock.AdvanceDays(3);
        deal.RecordActivity(new SalesActivityDraft(SalesActivityKind.Meeting, "Site visit") { OccurredAt = Clock.GetCurrentInstant() - Duration.FromDays(1) }, P1.Value, Clock);
        deal.RecordActivity(new SalesActivityDraft(SalesActivityKind.Email, "Offer sent"), P1.Value, Clock);
        await Store.Opportunities.UpdateAsync(deal);

        var foundLead = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), lead.Id))!;
        var foundDeal = (await Store.Opportunities.FindAsync(AccessScope.ForPartner(TenantA, P1), deal.Id))!;

        Assert.Equal(lead.Activities, foundLead.Activities);
        Assert.Equal([1, 2, 3], foundLead.Activities.Select(a => a.Number));
        Assert.Equal(("Sent, 12 kW.", false), (foundLead.Activities[1].Outcome, foundLead.Activities[1].IsOpenTask));
        Assert.Equal("Site visit", foundLead.NextStep!.Subject);
        Assert.Equal(Doc(lead), Doc(foundLead));
        Assert.Equal(deal.Activities, foundDeal.Activities);
        Assert.Equal([SalesActivityKind.Meeting, SalesActivityKind.Email], foundDeal.Activities.Select(a => a.Kind));
        Assert.Equal(Clock.GetCurrentInstant(), foundDeal.LastActivityAt);
        Assert.Equal(Doc(deal), Doc(foundDeal));
        var types = (await Store.Outbox.ListPendingAsync()).Select(m => m.Type).ToList();
        Assert.Equal(5, types.Count(t => t == nameof(SalesActivityRecorded)));
        Assert.Single(types, nameof(SalesTaskCompleted));
    }
}
