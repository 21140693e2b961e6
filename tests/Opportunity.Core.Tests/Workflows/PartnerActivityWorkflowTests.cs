using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Typed partner activities and the partner's own deal updates, through the workflows on the in-memory store with a fake clock.</summary>
public sealed class PartnerActivityWorkflowTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 3, 3, 10, 0);
    private static readonly PartnerId Pa = new("P-a");
    private static readonly PartnerId Pb = new("P-b");
    private static readonly LeadId L1 = new("L-1");
    private static readonly OpportunityId O1 = new("O-1");

    private static DistributionHarness Harness() =>
        Create(Start, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build();
            // Protection for 5 working days, warned 2 days before: both well inside the 14-day follow-up.
            o.Registrations = DealRegistrationPolicy.Default with { ProtectionPeriod = Duration.FromHours(40), ExpiryWarning = Duration.FromHours(16) };
        });

    /// <summary>P-a accepted L-1 (P-b exists but does not work it).</summary>
    private static async Task<DistributionHarness> AcceptedAsync()
    {
        var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.AddPartnersAsync(Partner("P-b"));
        await h.PartnerLeads.AcceptAsync(Tenant, Pa, L1);
        return h;
    }

    private static async Task<DistributionHarness> ConvertedAsync()
    {
        var h = await AcceptedAsync();
        await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, O1, new LocalDate(2026, 6, 30));
        return h;
    }

    private static PartnerOpportunityService Deals(DistributionHarness h) => h.Services.GetRequiredService<PartnerOpportunityService>();

    private static async Task<SalesOpportunity> DealAsync(DistributionHarness h, OpportunityId id) =>
        (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), id))!;

    [Fact]
    public async Task RecordActivityAsync_TypedActivitiesOnAnAcceptedLead_KeptNumberedWithTheLatestNextStep()
    {
        using var h = await AcceptedAsync();
        h.Clock.AdvanceHours(2);
        var call = await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, new SalesActivityDraft(SalesActivityKind.Call, "first call") { Outcome = "wants a quote" });
        var task = await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, SalesActivityDraft.Task("send the quote", Start + Duration.FromDays(2)));
        await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, SalesActivityDraft.NextStep("site visit", Start + Duration.FromDays(7)));
        await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, "customer prefers mornings");

        var lead = await h.LeadAsync("L-1");
        Assert.Equal([1, 2, 3, 4], lead.Activities.Select(a => a.Number));
        Assert.Equal([SalesActivityKind.Call, SalesActivityKind.Task, SalesActivityKind.NextStep, SalesActivityKind.Note], lead.Activities.Select(a => a.Kind));
        Assert.Equal(("wants a quote", Start + Duration.FromHours(2), "P-a"), (call.Outcome, call.OccurredAt, call.Actor));
        Assert.True(task.IsOpenTask);
        Assert.Equal(("site visit", Start + Duration.FromDays(7)), (lead.NextStep!.Subject, lead.NextStep.DueAt!.Value));
        Assert.Equal(Start + Duration.FromHours(2), lead.LastActivityAt);
        Assert.Equal(Start + Duration.FromHours(2) + Duration.FromDays(14), lead.NextDueAt);
        Assert.Equal(4, (await h.EventsAsync<SalesActivityRecorded>()).Count);
        Assert.Equal("customer prefers mornings", (await h.EventsAsync<SalesActivityRecorded>())[^1].Activity.Subject);
    }

    [Fact]
    public async Task RecordActivityAsync_LeadOfAnotherPartner_PartnerNotAssignedAndNothingSaved()
    {
        using var h = await AcceptedAsync();
        var version = (await h.LeadAsync("L-1")).Version;

        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => h.PartnerLeads.RecordActivityAsync(Tenant, Pb, L1, new SalesActivityDraft(SalesActivityKind.Call, "hello")));

        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, denied.ErrorCode);
        Assert.Equal(version, (await h.LeadAsync("L-1")).Version);
        Assert.Empty((await h.LeadAsync("L-1")).Activities);
    }

    [Fact]
    public async Task RecordActivityAsync_TaskWithoutDueDateAndAFutureTime_ValidationNamesBothFields()
    {
        using var h = await AcceptedAsync();

        var invalid = await Assert.ThrowsAsync<InputValidationException>(() => h.PartnerLeads.RecordActivityAsync(
            Tenant, Pa, L1, new SalesActivityDraft(SalesActivityKind.Task, "call back") { OccurredAt = Start + Duration.FromDays(1) }));

        Assert.Equal(["occurredAt", "dueAt"], invalid.Errors.Select(e => e.Location));
        Assert.Empty((await h.LeadAsync("L-1")).Activities);
    }

    [Fact]
    public async Task CompleteTaskAsync_OpenTask_KeepsOutcomeAndRefusesASecondCompletion()
    {
        using var h = await AcceptedAsync();
        var task = await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, SalesActivityDraft.Task("send the quote", Start + Duration.FromDays(2)));
        h.Clock.AdvanceDays(1);

        await h.PartnerLeads.CompleteTaskAsync(Tenant, Pa, L1, task.Number, "quote sent, 12 kW");
        var again = await Assert.ThrowsAsync<InvalidInputException>(() => h.PartnerLeads.CompleteTaskAsync(Tenant, Pa, L1, task.Number, "twice"));
        var notATask = await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, L1, SalesActivityDraft.Note("note"));
        var wrongKind = await Assert.ThrowsAsync<InvalidInputException>(() => h.PartnerLeads.CompleteTaskAsync(Tenant, Pa, L1, notATask.Number, "done"));

        var done = (await h.LeadAsync("L-1")).Activities[0];
        Assert.Equal(("quote sent, 12 kW", Start + Duration.FromDays(1), false), (done.Outcome, done.CompletedAt!.Value, done.IsOpenTask));
        Assert.Equal(("number", "number"), (again.Field, wrongKind.Field));
        Assert.Equal((1, "quote sent, 12 kW"), (Assert.Single(await h.EventsAsync<SalesTaskCompleted>()).Number, (await h.EventsAsync<SalesTaskCompleted>())[0].Outcome));
    }

    [Fact]
    public async Task RecordActivityAsync_NoteOnAnApprovedRegistration_KeepsTheExpiryWarningDue()
    {
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a"));
        var registration = new LeadId("R-1");
        await h.Registrations.RegisterDealAsync(Tenant, Pa, registration, Details());
        await h.Registrations.ApproveDealAsync(Tenant, registration, "channel-manager");
        var warning = (await h.LeadAsync("R-1")).Registration!.ExpiryWarningAt;

        await h.PartnerLeads.RecordActivityAsync(Tenant, Pa, registration, "met the buyer");

        var lead = await h.LeadAsync("R-1");
        Assert.True(warning < Start + Duration.FromDays(14)); // so a follow-up-only schedule would skip it
        Assert.Equal(warning, lead.NextDueAt);
    }

    [Fact]
    public async Task UpdateAsync_AssignedPartner_ChangesStageAmountCloseAndNextStepInOneSave()
    {
        using var h = await ConvertedAsync();
        var before = await DealAsync(h, O1);
        h.Clock.AdvanceDays(3);

        var updated = await Deals(h).UpdateAsync(Tenant, Pa, O1, new PartnerOpportunityUpdate
        {
            Stage = "Needs analysis",
            Amount = new Money(15_000m, CurrencyCode.EUR),
            ExpectedClose = new LocalDate(2026, 7, 31),
            NextStep = "present the offer",
            NextStepDueAt = Start + Duration.FromDays(10),
            ExpectedVersion = before.Version,
        });

        var stored = await DealAsync(h, O1);
        Assert.Equal(before.Version + 1, stored.Version);
        Assert.Equal(("Needs analysis", 15_000m, new LocalDate(2026, 7, 31), "present the offer"), (stored.Stage.Name, stored.Amount.Amount, stored.ExpectedClose, stored.NextStep!.Subject));
        Assert.Equal(updated.ToSnapshot().Activities, stored.ToSnapshot().Activities);
        Assert.Equal(Start + Duration.FromDays(3) + Duration.FromDays(14), stored.NextDueAt);
        Assert.Single(await h.EventsAsync<OpportunityStageChanged>());
        Assert.Single(await h.EventsAsync<OpportunityAmountChanged>());
        Assert.Single(await h.EventsAsync<OpportunityCloseDateChanged>());
    }

    [Fact]
    public async Task UpdateAsync_SameNextStepAgain_RecordsItOnce()
    {
        using var h = await ConvertedAsync();
        var update = new PartnerOpportunityUpdate { NextStep = "present the offer" };

        await Deals(h).UpdateAsync(Tenant, Pa, O1, update);
        await Deals(h).UpdateAsync(Tenant, Pa, O1, update with { NextStep = " present the offer " });
        await Deals(h).UpdateAsync(Tenant, Pa, O1, update with { NextStepDueAt = Start + Duration.FromDays(5) });

        Assert.Equal([1, 2], (await DealAsync(h, O1)).Activities.Select(a => a.Number));
    }

    [Fact]
    public async Task UpdateAsync_DealOfAnotherPartner_PartnerNotAssignedAndNothingSaved()
    {
        using var h = await ConvertedAsync();
        var version = (await DealAsync(h, O1)).Version;

        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => Deals(h).UpdateAsync(Tenant, Pb, O1, new PartnerOpportunityUpdate { Amount = new Money(1m, CurrencyCode.EUR) }));
        var deniedActivity = await Assert.ThrowsAsync<AccessDeniedException>(() => Deals(h).RecordActivityAsync(Tenant, Pb, O1, SalesActivityDraft.Note("hi")));
        var missing = await Assert.ThrowsAsync<EntityNotFoundException>(() => Deals(h).RecordActivityAsync(Tenant, Pa, new OpportunityId("O-none"), SalesActivityDraft.Note("hi")));

        Assert.Equal((OpportunityErrorCodes.PartnerNotAssigned, OpportunityErrorCodes.PartnerNotAssigned, OpportunityErrorCodes.OpportunityNotFound), (denied.ErrorCode, deniedActivity.ErrorCode, missing.ErrorCode));
        Assert.Equal(version, (await DealAsync(h, O1)).Version);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_ConcurrencyAndNothingSaved()
    {
        using var h = await ConvertedAsync();
        var read = (await DealAsync(h, O1)).Version;
        await Deals(h).RecordActivityAsync(Tenant, Pa, O1, SalesActivityDraft.Note("meanwhile"));

        await Assert.ThrowsAsync<ConcurrencyException>(() => Deals(h).UpdateAsync(Tenant, Pa, O1, new PartnerOpportunityUpdate { Stage = "Proposal", ExpectedVersion = read }));

        Assert.Equal("Qualification", (await DealAsync(h, O1)).Stage.Name);
    }

    [Fact]
    public async Task ProcessDueAsync_DealWithARecentActivity_IsNotAskedForAFollowUp()
    {
        using var h = await AcceptedAsync();
        await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, O1, new LocalDate(2026, 6, 30));
        // A deal of P-c opened directly (not from a lead), due for its first follow-up like a converted one.
        var other = SalesOpportunity.Open(Tenant, new OpportunityId("O-2"), new SalesOpportunityDraft(new PartnerId("P-c"), new Money(5_000m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "P-c", h.Clock);
        other.ScheduleNextDue(Start + Duration.FromDays(14));
        await h.Store.AddAsync(other);

        // Day 13: P-a logs yesterday's meeting; the other deal stays silent.
        h.Clock.Reset(Start + Duration.FromDays(13));
        await Deals(h).RecordActivityAsync(Tenant, Pa, O1, new SalesActivityDraft(SalesActivityKind.Meeting, "site visit") { OccurredAt = Start + Duration.FromDays(12) });

        await h.Processor.ProcessDueAsync(Start + Duration.FromDays(14));
        Assert.Equal(["P-c"], (await h.EventsAsync<FollowUpRequested>()).Select(r => r.Partner.Value));
        await h.Processor.ProcessDueAsync(Start + Duration.FromDays(26) - Duration.Epsilon);
        Assert.DoesNotContain(await h.EventsAsync<FollowUpRequested>(), r => r.Partner == Pa);
        await h.Processor.ProcessDueAsync(Start + Duration.FromDays(26));

        var request = Assert.Single(await h.EventsAsync<FollowUpRequested>(), r => r.Partner == Pa);
        Assert.Equal(Start + Duration.FromDays(12), request.InactiveSince); // the meeting, not the day it was logged
        Assert.Equal(Start + Duration.FromDays(12), (await DealAsync(h, O1)).LastActivityAt);
    }
}
