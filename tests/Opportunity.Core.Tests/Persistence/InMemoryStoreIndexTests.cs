using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Core.Tests.Persistence;

public sealed class InMemoryStoreIndexTests
{
    private static readonly TenantId Tenant = new("t");

    [Fact]
    public async Task ClaimDue_ManyLeadsFewDue_ReturnsOnlyDueInDueOrder()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 1, 0, 0));
        var store = new InMemoryStore();
        var now = clock.GetCurrentInstant();
        for (var i = 0; i < 2_000; i++)
        {
            var lead = Lead.Capture(Tenant, new LeadId($"l-{i:D4}"), new LeadDetails { Source = "web" }, "system", clock);
            lead.ScheduleNextDue(i % 500 == 0 ? now - Duration.FromMinutes(i) : now + Duration.FromDays(1));
            await store.AddAsync(lead);
        }

        var claimed = await ((ILeadStore)store).ClaimDueAsync(new DueWorkClaim(now, 100, "host", Duration.FromMinutes(5)));

        Assert.Equal(["l-1500", "l-1000", "l-0500", "l-0000"], claimed.Select(l => l.Id.Value));
    }

    [Fact]
    public async Task ClaimDue_DueTimeMovedByUpdate_IndexFollows()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 1, 0, 0));
        var store = new InMemoryStore();
        var now = clock.GetCurrentInstant();
        var lead = Lead.Capture(Tenant, new LeadId("l"), new LeadDetails { Source = "web" }, "system", clock);
        lead.ScheduleNextDue(now);
        await store.AddAsync(lead);
        lead.ScheduleNextDue(now + Duration.FromHours(1));
        await store.UpdateAsync(lead);

        var early = await ((ILeadStore)store).ClaimDueAsync(new DueWorkClaim(now, 10, "host", Duration.FromMinutes(5)));
        var later = await ((ILeadStore)store).ClaimDueAsync(new DueWorkClaim(now + Duration.FromHours(1), 10, "host", Duration.FromMinutes(5)));

        Assert.Empty(early);
        Assert.Single(later);
    }

    [Fact]
    public void CodePointComparer_SupplementaryCharacter_SortsAfterPrivateUseArea()
    {
        // UTF-16 ordinal puts U+1F600 (surrogates D83D DE00) before U+E000; code-point (UTF-8 byte) order after.
        Assert.True(string.CompareOrdinal("\U0001F600", "\uE000") < 0);
        Assert.True(CodePointComparer.Instance.Compare("\U0001F600", "\uE000") > 0);
        Assert.True(CodePointComparer.Instance.Compare("A", "a") < 0);
        Assert.True(CodePointComparer.Instance.Compare("a", "a-2") < 0);
    }
}
