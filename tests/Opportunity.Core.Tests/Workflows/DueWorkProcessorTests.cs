using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

public sealed class DueWorkProcessorTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    // Friday 8 March 2024, 16:00 in New York (EST, UTC−5). DST starts on Sunday 10 March (EDT, UTC−4).
    private static readonly Instant FridayAfternoonNewYork = Instant.FromUtc(2024, 3, 8, 21, 0);

    private static readonly Instant FollowUpStart = Instant.FromUtc(2025, 3, 4, 10, 0);

    private static DistributionHarness Harness(Instant start, string host = "host-a", InMemoryStore? store = null, NodaTime.Testing.FakeClock? clock = null, Func<ILeadStore, ILeadStore>? wrapLeads = null) =>
        Create(start, o =>
        {
            o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build();
            o.FallbackCalendar = BusinessCalendar.WeekdaysNineToFive(Berlin); // the manufacturer's; must not be used for a known partner
        }, host, store, clock, wrapLeads);

    private static async Task<(DistributionHarness H, Lead Lead)> AssignedInNewYorkAsync(IEnumerable<LocalDate>? holidays = null)
    {
        var h = Harness(FridayAfternoonNewYork);
        var calendar = BusinessCalendar.WeekdaysNineToFive(NewYork).WithHolidays(holidays ?? []);
        await h.AddPartnersAsync(Partner("P-ny", calendar), Partner("P-backup", BusinessCalendar.WeekdaysNineToFive(NewYork)));
        var lead = await h.CaptureAndQualifyAsync("L-1");
        Assert.Equal("P-backup", lead.AssignedPartner!.Value.Value); // round robin: ids in order, both never assigned → P-backup first
        return (h, lead);
    }

    /// <summary>A harness at <see cref="FollowUpStart"/> where partner P-a accepted lead L-1.</summary>
    private static async Task<DistributionHarness> AcceptedByPartnerAAsync()
    {
        var h = Harness(FollowUpStart);
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));
        return h;
    }

    [Fact]
    public async Task ProcessDueAsync_LadderAcrossWeekendAndDst_FiresEachStepAtItsInstantInThePartnersZone()
    {
        var (h, lead) = await AssignedInNewYorkAsync();
        using var _ = h;
        // 1 working hour on Friday (16–17 EST), then Monday 11 March in EDT.
        var remind = Instant.FromUtc(2024, 3, 11, 16, 0);   // Monday 12:00 EDT (4 h)
        var notify = Instant.FromUtc(2024, 3, 11, 20, 0);   // Monday 16:00 EDT (8 h)
        var recall = Instant.FromUtc(2024, 3, 13, 20, 0);   // Wednesday 16:00 EDT (1 + 8 + 8 + 7 = 24 h)
        Assert.Equal(recall, lead.AcceptanceDeadline);
        Assert.Equal(remind, lead.NextDueAt);

        Assert.Equal(0, (await h.Processor.ProcessDueAsync(remind - Duration.Epsilon)).Reminders);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(remind)).Reminders);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(remind)).Reminders);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(notify - Duration.Epsilon)).Escalations);
        var escalation = await h.Processor.ProcessDueAsync(notify);
        Assert.Equal((0, 1), (escalation.Reminders, escalation.Escalations));
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(recall - Duration.Epsilon)).Recalls);
        var recalled = await h.Processor.ProcessDueAsync(recall);
        Assert.Equal((1, 1), (recalled.Recalls, recalled.Rerouted));

        var reminder = Assert.Single(await h.EventsAsync<AcceptanceReminderDue>());
        Assert.Equal((remind, 0, "P-backup"), (reminder.OccurredAt, reminder.Step, reminder.Partner.Value));
        var escalated = Assert.Single(await h.EventsAsync<LeadEscalated>());
        Assert.Equal(("cm-P-backup@acme.example", notify), (escalated.ChannelManager, escalated.OccurredAt));
        Assert.Equal("P-backup", Assert.Single(await h.EventsAsync<LeadRecalled>()).Partner.Value);
        var now = await h.LeadAsync("L-1");
        Assert.Equal("P-ny", now.AssignedPartner!.Value.Value);
        Assert.Equal(["P-backup"], now.ExpiredPartners.Select(p => p.Value));
        Assert.Equal(0, now.EscalationStepsFired);
    }

    [Fact]
    public async Task ProcessDueAsync_HolidayInThePartnersCalendar_IsSkipped()
    {
        var (h, _) = await AssignedInNewYorkAsync();
        using var __ = h;
        await h.AddPartnersAsync(Partner("P-backup", BusinessCalendar.WeekdaysNineToFive(NewYork).WithHolidays([new LocalDate(2024, 3, 11)])));
        var tuesdayNoon = Instant.FromUtc(2024, 3, 12, 16, 0);

        var lead = await h.LeadAsync("L-1");
        lead.ScheduleNextDue(Instant.FromUtc(2024, 3, 11, 16, 0)); // stale schedule from before the holiday was entered
        await h.Store.UpdateAsync(lead);

        Assert.Equal(0, (await h.Processor.ProcessDueAsync(Instant.FromUtc(2024, 3, 11, 23, 0))).Reminders);
        Assert.Equal(tuesdayNoon, (await h.LeadAsync("L-1")).NextDueAt);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(tuesdayNoon - Duration.Epsilon)).Reminders);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(tuesdayNoon)).Reminders);
    }

    [Fact]
    public async Task ProcessDueAsync_HostWasDown_FiresEveryOverdueStepOnceInOrder()
    {
        var (h, _) = await AssignedInNewYorkAsync();
        using var __ = h;
        var report = await h.Processor.ProcessDueAsync(Instant.FromUtc(2024, 3, 20, 0, 0));
        Assert.Equal((1, 1, 1, 1), (report.Reminders, report.Escalations, report.Recalls, report.Rerouted));
        var steps = (await h.Store.ListPendingAsync()).Where(m => m.Type is nameof(AcceptanceReminderDue) or nameof(LeadEscalated) or nameof(LeadRecalled)).Select(m => m.Type);
        Assert.Equal([nameof(AcceptanceReminderDue), nameof(LeadEscalated), nameof(LeadRecalled)], steps);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(Instant.FromUtc(2024, 3, 20, 0, 0))).Processed);
    }

    [Fact]
    public async Task ProcessDueAsync_RecallWithNobodyLeft_GoesToTheManufacturerQueue()
    {
        using var h = Harness(FridayAfternoonNewYork);
        await h.AddPartnersAsync(Partner("P-only", BusinessCalendar.WeekdaysNineToFive(NewYork)));
        var lead = await h.CaptureAndQualifyAsync("L-1");
        var report = await h.Processor.ProcessDueAsync(lead.AcceptanceDeadline!.Value);
        var after = await h.LeadAsync("L-1");
        Assert.Equal(1, report.Unroutable);
        Assert.Equal(LeadState.Unroutable, after.State);
        // Retried after the queue retry: 40 working hours in the manufacturer's (fallback) calendar.
        Assert.Equal(BusinessCalendar.WeekdaysNineToFive(Berlin).AddWorkingTime(lead.AcceptanceDeadline!.Value, Duration.FromHours(40)), after.NextDueAt);
    }

    [Fact]
    public async Task ProcessDueAsync_TwoHostsAtOnce_FireTheReminderOnce()
    {
        var store = new InMemoryStore();
        var clock = new NodaTime.Testing.FakeClock(FridayAfternoonNewYork);
        using var a = Harness(FridayAfternoonNewYork, "host-a", store, clock);
        using var b = Harness(FridayAfternoonNewYork, "host-b", store, clock);
        await a.AddPartnersAsync(Partner("P-ny", BusinessCalendar.WeekdaysNineToFive(NewYork)));
        for (var i = 0; i < 20; i++)
        {
            await a.CaptureAndQualifyAsync($"L-{i:00}");
        }

        var remind = Instant.FromUtc(2024, 3, 11, 16, 0);
        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? a : b).Processor.ProcessDueAsync(remind)));

        Assert.Equal(20, reports.Sum(r => r.Reminders));
        Assert.Equal(20, (await a.EventsAsync<AcceptanceReminderDue>()).Count);
    }

    [Fact]
    public async Task ProcessDueAsync_LeaseExpiredMidFlight_StaleHostLosesTheRaceAndNothingFiresTwice()
    {
        var store = new InMemoryStore();
        var clock = new NodaTime.Testing.FakeClock(FridayAfternoonNewYork);
        GatedLeadStore? gated = null;
        using var slow = Harness(FridayAfternoonNewYork, "host-slow", store, clock, s => gated = new GatedLeadStore(s));
        using var fast = Harness(FridayAfternoonNewYork, "host-fast", store, clock);
        await fast.AddPartnersAsync(Partner("P-ny", BusinessCalendar.WeekdaysNineToFive(NewYork)));
        await fast.CaptureAndQualifyAsync("L-1");
        var remind = Instant.FromUtc(2024, 3, 11, 16, 0);

        var slowRun = slow.Processor.ProcessDueAsync(remind);          // claims, fires in memory, blocks in UpdateAsync
        await gated!.Entered;
        var fastReport = await fast.Processor.ProcessDueAsync(remind + Duration.FromMinutes(6)); // the slow host's 5-minute lease has run out
        gated.Release();
        var slowReport = await slowRun;

        Assert.Equal(1, fastReport.Reminders);
        Assert.Equal(1, slowReport.Conflicts);
        Assert.Single(await fast.EventsAsync<AcceptanceReminderDue>());
    }

    [Fact]
    public async Task ProcessDueAsync_FollowUpsOnAnAcceptedLead_RepeatUntilActivityResumes()
    {
        using var h = await AcceptedByPartnerAAsync();

        Assert.Equal(0, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(14) - Duration.Epsilon)).FollowUps);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(14))).FollowUps);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(20))).FollowUps);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(21))).FollowUps);
        h.Clock.Reset(FollowUpStart + Duration.FromDays(22));
        await h.PartnerLeads.RecordActivityAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), "site visit booked");
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(28))).FollowUps);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(36))).FollowUps);

        var requests = await h.EventsAsync<FollowUpRequested>();
        Assert.Equal([1, 2, 1], requests.Select(r => r.Request));
        Assert.Equal(FollowUpStart + Duration.FromDays(22), requests[^1].InactiveSince);
    }

    [Fact]
    public async Task ProcessDueAsync_FollowUpAfterLongOutage_OneRequestNotABurst()
    {
        using var h = await AcceptedByPartnerAAsync();

        var report = await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(40));
        Assert.Equal(1, report.FollowUps);
        Assert.Equal(4, Assert.Single(await h.EventsAsync<FollowUpRequested>()).Request);
        Assert.Equal(FollowUpStart + Duration.FromDays(42), (await h.LeadAsync("L-1")).NextDueAt);
    }

    [Fact]
    public async Task ProcessDueAsync_OpenOpportunity_IsFollowedUpUntilClosed()
    {
        using var h = await AcceptedByPartnerAAsync();
        await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));

        Assert.Equal(1, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(14))).FollowUps);
        var request = Assert.Single(await h.EventsAsync<FollowUpRequested>());
        Assert.Equal(("SalesOpportunity", "P-a"), (request.AggregateKind, request.Partner.Value));

        var opportunity = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-1")))!;
        h.Clock.Reset(FollowUpStart + Duration.FromDays(15));
        opportunity.CloseLost("went with a competitor", "P-a", h.Clock);
        await h.Store.UpdateAsync(opportunity);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(FollowUpStart + Duration.FromDays(60))).FollowUps);
        Assert.Null((await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-1")))!.NextDueAt);
    }

    [Fact]
    public async Task ProcessDueAsync_ReopenedOpportunity_IsFollowedUpAgainFromTheReopening()
    {
        using var h = await AcceptedByPartnerAAsync();
        await h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"), new OpportunityId("O-1"), new LocalDate(2025, 6, 30));
        var opportunity = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-1")))!;
        opportunity.CloseLost("went with a competitor", "P-a", h.Clock);
        await h.Store.UpdateAsync(opportunity);
        var reopenedAt = FollowUpStart + Duration.FromDays(30);
        h.Clock.Reset(reopenedAt);
        opportunity = (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-1")))!;
        opportunity.Reopen("Proposal", "customer came back", "cm", h.Clock);
        await h.Store.UpdateAsync(opportunity);

        Assert.Equal(0, (await h.Processor.ProcessDueAsync(reopenedAt)).FollowUps);
        Assert.Equal(reopenedAt + Duration.FromDays(14), (await h.Store.FindAsync(AccessScope.Manufacturer(Tenant), new OpportunityId("O-1")))!.NextDueAt);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(reopenedAt + Duration.FromDays(14))).FollowUps);
        var request = Assert.Single(await h.EventsAsync<FollowUpRequested>());
        Assert.Equal(reopenedAt, request.InactiveSince);
    }

    /// <summary>Holds the first UpdateAsync until released, to stage a race between two hosts.</summary>
    private sealed class GatedLeadStore(ILeadStore inner) : ILeadStore
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Entered => _entered.Task;

        public void Release() => _release.SetResult();

        public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => inner.FindAsync(scope, id, cancellationToken);

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(scope, query, cancellationToken);

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public async Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _entered.SetResult();
                await _release.Task;
            }

            await inner.UpdateAsync(lead, cancellationToken);
        }

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => inner.ClaimDueAsync(claim, cancellationToken);
    }
}
