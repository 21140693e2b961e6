using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Pausing the SLA clock through the workflows on the in-memory store (partner calendar: weekdays 9–17 UTC).</summary>
public sealed class SlaClockWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);
    private static readonly LeadId L1 = new("L-1");

    private static DistributionHarness Assigning() =>
        Create(Tuesday10, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().PickRoundRobin().Build());

    [Fact]
    public async Task ResumeLeadAsync_AfterTwoDaysPaused_NothingFiredMeanwhileAndTheReminderMovesBySixteenWorkingHours()
    {
        using var h = Assigning();
        var clocks = h.Services.GetRequiredService<SlaClockService>();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        Assert.Equal(Instant.FromUtc(2025, 3, 4, 14, 0), (await h.LeadAsync("L-1")).NextDueAt); // remind after 4 working hours

        h.Clock.Advance(Duration.FromHours(1));
        await clocks.PauseLeadAsync(Tenant, L1, "waiting on the customer's site plan", "sales");
        var paused = await h.LeadAsync("L-1");
        Assert.Null(paused.NextDueAt);
        Assert.Equal(Instant.FromUtc(2025, 3, 4, 14, 0), paused.ClockPause!.HeldDueAt);

        // Thursday: the ladder would have reminded, escalated and nearly recalled; the paused lead is not even due.
        var report = await h.Processor.ProcessDueAsync(Instant.FromUtc(2025, 3, 6, 11, 0));
        Assert.Equal((0, 0, 0, 0), (report.Processed, report.Reminders, report.Escalations, report.Recalls));

        h.Clock.Reset(Instant.FromUtc(2025, 3, 6, 11, 0));
        var pausedFor = await clocks.ResumeLeadAsync(Tenant, L1, "sales");

        // Tue 11–17, Wed 9–17, Thu 9–11: 16 working hours; the 3 working hours left at the pause are left now.
        Assert.Equal(Duration.FromHours(16), pausedFor);
        var resumed = await h.LeadAsync("L-1");
        Assert.Null(resumed.ClockPause);
        Assert.Equal(Instant.FromUtc(2025, 3, 6, 14, 0), resumed.NextDueAt);
        Assert.Equal(Instant.FromUtc(2025, 3, 6, 10, 0), resumed.AssignedAt);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(Instant.FromUtc(2025, 3, 6, 14, 0) - Duration.Epsilon)).Reminders);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(Instant.FromUtc(2025, 3, 6, 14, 0))).Reminders);

        var pausedEvent = Assert.Single(await h.EventsAsync<ClockPaused>());
        Assert.Equal("waiting on the customer's site plan", pausedEvent.Reason);
        Assert.EndsWith("@acme", pausedEvent.EventId, StringComparison.Ordinal);
        var resumedEvent = Assert.Single(await h.EventsAsync<ClockResumed>());
        Assert.Equal((Tuesday10 + Duration.FromHours(1), Duration.FromHours(16)), (resumedEvent.PausedAt, resumedEvent.PausedWorkingTime));
        Assert.Equal(
            [(null, "Paused"), ("Paused", null)],
            (await h.Store.ReadHistoryAsync(Tenant, AuditedRecord.Of(L1))).Changes.Where(c => c.Field == HistoryField.SlaClock).Select(c => (c.Previous, c.Current)));
    }

    [Fact]
    public async Task AcceptAsync_AfterAPause_TimeToAcceptLeavesThePausedWorkingTimeOut()
    {
        using var h = Assigning();
        var clocks = h.Services.GetRequiredService<SlaClockService>();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        h.Clock.Advance(Duration.FromHours(1));
        await clocks.PauseLeadAsync(Tenant, L1, "customer on holiday", "sales");
        h.Clock.Reset(Instant.FromUtc(2025, 3, 6, 11, 0));
        await clocks.ResumeLeadAsync(Tenant, L1, "sales");
        h.Clock.Advance(Duration.FromHours(1));

        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), L1);

        var accepted = Assert.Single(await h.EventsAsync<LeadAccepted>());
        Assert.Equal(Duration.FromHours(2), accepted.OccurredAt - accepted.AssignedAt); // 1 h before the pause, 1 h after it
    }

    [Fact]
    public async Task PauseAndResume_WrongClockState_TypedErrorsAndNothingSaved()
    {
        using var h = Assigning();
        var clocks = h.Services.GetRequiredService<SlaClockService>();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");

        var running = await Assert.ThrowsAsync<DomainRuleException>(() => clocks.ResumeLeadAsync(Tenant, L1, "sales"));
        Assert.Equal(OpportunityErrorCodes.ClockNotPaused, running.ErrorCode);
        await clocks.PauseLeadAsync(Tenant, L1, "waiting", "sales");
        var version = (await h.LeadAsync("L-1")).Version;
        var twice = await Assert.ThrowsAsync<DomainRuleException>(() => clocks.PauseLeadAsync(Tenant, L1, "again", "sales"));
        Assert.Equal(OpportunityErrorCodes.ClockAlreadyPaused, twice.ErrorCode);
        Assert.Equal(version, (await h.LeadAsync("L-1")).Version);
        var missing = await Assert.ThrowsAsync<EntityNotFoundException>(() => clocks.PauseOpportunityAsync(Tenant, new OpportunityId("O-x"), "waiting", "sales"));
        Assert.Equal(OpportunityErrorCodes.OpportunityNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task PauseOpportunityAsync_FollowUpHeldWhilePaused_ThenMovedByThePausedWorkingTime()
    {
        using var h = Assigning();
        var clocks = h.Services.GetRequiredService<SlaClockService>();
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), L1);
        var deal = await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), L1, new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        await h.Processor.ProcessDueAsync(Tuesday10); // schedules the first follow-up (14 days of inactivity)
        var due = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), deal.Id))!.NextDueAt!.Value;

        await clocks.PauseOpportunityAsync(Tenant, deal.Id, "customer's budget round", "sales");
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(due + Duration.FromDays(30))).FollowUps);
        h.Clock.Reset(Instant.FromUtc(2025, 3, 7, 17, 0)); // Tue 10:00 to Fri 17:00: 7 + 8 + 8 + 8 working hours
        var pausedFor = await clocks.ResumeOpportunityAsync(Tenant, deal.Id, "sales");

        Assert.Equal(Duration.FromHours(31), pausedFor);
        var moved = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), deal.Id))!.NextDueAt!.Value;
        Assert.Equal(Duration.FromHours(31), Partner("P-a").Calendar.WorkingTimeBetween(due, moved));
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(moved)).FollowUps);
    }
}
