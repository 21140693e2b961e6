using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>SLA clocks of routed leads run in the partner's calendar: per-date overrides, and a calendar of the app's own served by its own directory.</summary>
public sealed class PartnerCalendarWorkflowTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    // Wednesday 23 December 2026, 16:00 in Berlin (CET).
    private static readonly Instant December23 = Instant.FromUtc(2026, 12, 23, 15, 0);

    [Fact]
    public async Task QualifyAsync_PartnerWithAShortChristmasEve_DeadlineCountsTheOverriddenHours()
    {
        var calendar = BusinessCalendar.WeekdaysNineToFive(Berlin)
            .WithHolidays([new LocalDate(2026, 12, 25)])
            .WithOverride(new LocalDate(2026, 12, 24), [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))])
            .WithOverride(new LocalDate(2026, 12, 26), [new WorkingPeriod(new LocalTime(9, 0), new LocalTime(13, 0))]); // a working Saturday
        using var h = Harness();
        await h.AddPartnersAsync(Partner("P-a", calendar));

        var lead = await h.CaptureAndQualifyAsync("L-1");

        // 24 working hours: 1 on Wednesday, 4 on Christmas Eve, 4 on Saturday, then 8 + 7 on Monday and Tuesday → Tuesday 16:00.
        Assert.Equal(Instant.FromUtc(2026, 12, 29, 15, 0), lead.AcceptanceDeadline);
        // The reminder after 4 working hours: 1 on Wednesday, 3 of Christmas Eve → 11:00 Berlin.
        Assert.Equal(Instant.FromUtc(2026, 12, 24, 10, 0), lead.NextDueAt);
    }

    [Fact]
    public async Task QualifyAsync_PartnerWithACalendarOfTheAppsOwn_DeadlinesUseIt()
    {
        var store = new InMemoryStore();
        using var h = Harness(store, services => services.AddSingleton<IPartnerDirectory>(new ShiftPlanDirectory(store)));
        await h.AddPartnersAsync(Partner("P-a"));

        var lead = await h.CaptureAndQualifyAsync("L-1");

        Assert.Equal(LeadState.Assigned, lead.State);
        Assert.Equal(December23 + Duration.FromHours(24), lead.AcceptanceDeadline); // around the clock: 24 working hours are a day
        Assert.Equal(December23 + Duration.FromHours(4), lead.NextDueAt);
    }

    private static DistributionHarness Harness(InMemoryStore? store = null, Action<IServiceCollection>? register = null) =>
        Create(December23, o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build(), store: store, register: register);

    /// <summary>An app's partner directory: partners from the store, working hours from its shift planner (here: always).</summary>
    private sealed class ShiftPlanDirectory(InMemoryStore store) : IPartnerDirectory
    {
        public async Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
            await store.FindAsync(tenant, id, cancellationToken) is { } partner ? partner with { Calendar = new AlwaysWorking() } : null;

        public async IAsyncEnumerable<Partner> ListAsync(TenantId tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var partner in store.ListAsync(tenant, cancellationToken))
            {
                yield return partner with { Calendar = new AlwaysWorking() };
            }
        }

        public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default) => store.UpsertAsync(partner, cancellationToken);
    }

    private sealed class AlwaysWorking : IBusinessCalendar
    {
        public DateTimeZone Zone => DateTimeZone.Utc;

        public bool IsWorkingTime(Instant instant) => true;

        public Instant AddWorkingTime(Instant start, Duration workingTime) => start + workingTime;

        public Duration WorkingTimeBetween(Instant start, Instant end) => end > start ? end - start : Duration.Zero;
    }
}
