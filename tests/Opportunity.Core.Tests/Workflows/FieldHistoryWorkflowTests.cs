using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Routing;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

public sealed class FieldHistoryWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);

    [Fact]
    public async Task ReadHistoryAsync_LeadRejectedAndRerouted_ShowsEachStateAndPartnerWithWhoAndPrevious()
    {
        using var h = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().PickRoundRobin().Build());
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        await h.CaptureAndQualifyAsync("L-1");
        h.Clock.Advance(Duration.FromHours(1));
        await h.PartnerLeads.RejectAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), "no installer free");
        h.Clock.Advance(Duration.FromHours(1));
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-b"), new LeadId("L-1"));

        var history = h.Services.GetRequiredService<IFieldHistory>();
        var changes = (await history.ReadHistoryAsync(Tenant, AuditedRecord.Of(new LeadId("L-1")))).Changes;

        Assert.Equal(
            [
                (HistoryField.State, null, "Captured", "sales"),
                (HistoryField.State, "Captured", "Qualified", "sales"),
                (HistoryField.State, "Qualified", "Assigned", "system"),
                (HistoryField.Owner, null, "P-a", "system"),
                (HistoryField.State, "Assigned", "Rejected", "P-a"),
                (HistoryField.State, "Rejected", "Assigned", "system"),
                (HistoryField.Owner, "P-a", "P-b", "system"),
                (HistoryField.State, "Assigned", "Accepted", "P-b"),
            ],
            changes.Select(c => (c.Field, c.Previous, c.Current, c.Actor)));
        Assert.Equal(Tuesday10 + Duration.FromHours(2), changes[^1].At);
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
    }

    [Fact]
    public async Task ReadHistoryAsync_RoutingRefusedByTheStoreAndUndone_RecordsOnlyWhatWasSaved()
    {
        // Capacity 1: the second lead's assignment to the full partner is refused by the store, undone
        // (Lead.Restore) and the lead routed again; the undone change must not reach the history.
        using var h = Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().PickRoundRobin().Build());
        await h.AddPartnersAsync(Partner("P-a") with { Capacity = 1 });
        await h.CaptureAndQualifyAsync("L-1");
        await h.CaptureAndQualifyAsync("L-2");

        var changes = (await h.Store.ReadHistoryAsync(Tenant, AuditedRecord.Of(new LeadId("L-2")))).Changes;

        var lead = await h.LeadAsync("L-2");
        Assert.Equal(lead.State.ToString(), changes.Last(c => c.Field == HistoryField.State).Current);
        Assert.DoesNotContain(changes, c => c.Field == HistoryField.Owner);
        Assert.Equal(changes.Count, changes.Select(c => (c.Sequence, c.Field)).Distinct().Count());
    }
}
