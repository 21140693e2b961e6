using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

/// <summary>Activities logged in any order and at any past time keep the follow-up clock on the latest one.</summary>
public sealed class SalesActivityProperties
{
    private static readonly Instant Opened = Instant.FromUtc(2026, 1, 1, 0, 0);

    [Property(MaxTest = 300)]
    public void RecordActivity_AnyPastTimesInAnyOrder_LastActivityIsTheLatestOfOpeningAndActivities(int[] steps)
    {
        var clock = new FakeClock(Opened);
        var deal = SalesOpportunity.Open(new TenantId("acme"), new OpportunityId("O"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(100m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);
        foreach (var step in steps ?? [])
        {
            clock.AdvanceMinutes(Math.Abs(step % 500));
            // Logged up to 60 days late, possibly before the deal was opened.
            var occurred = clock.GetCurrentInstant() - Duration.FromMinutes(Math.Abs(step / 500) % (60 * 24 * 60));
            var kind = (SalesActivityKind)Math.Abs(step % 6);
            deal.RecordActivity(new SalesActivityDraft(kind, "x")
            {
                OccurredAt = occurred,
                DueAt = kind is SalesActivityKind.Task or SalesActivityKind.NextStep ? occurred + Duration.FromDays(3) : null,
            }, "u", clock);
        }

        var times = deal.Activities.Select(a => a.OccurredAt).Append(Opened);
        Assert.Equal(times.Max(), deal.LastActivityAt);
        Assert.Equal(Enumerable.Range(1, deal.Activities.Count), deal.Activities.Select(a => a.Number));
        Assert.Equal(deal.Activities.LastOrDefault(a => a.Kind == SalesActivityKind.NextStep), deal.NextStep);
        Assert.Equal(deal.Activities.Count, deal.PendingEvents.OfType<SalesActivityRecorded>().Count());
    }
}
