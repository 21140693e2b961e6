using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Change feed retention (<see cref="IChangeFeed.TrimAsync"/>): entries before a position go, the
/// newest stays, and a reader whose position was trimmed past is told to resync. Runs when the
/// adapter gives <see cref="StoreUnderTest.ChangeFeed"/>.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Five changes of tenant A (one transaction each) and one of tenant B; a trim of A up to its third
    /// change removes the first two, leaves B alone, answers "resync" to a reader before the second and
    /// not to one at or after it; trimming again removes nothing; a trim past the head keeps the newest
    /// entry, and a change written afterwards is read after it.
    /// </summary>
    [ConformanceFact]
    public async Task ChangeFeed_Trim_RemovesEarlierEntriesKeepsTheNewestAndResyncsReadersBehind()
    {
        if (Store.ChangeFeed is not { } feed)
        {
            return;
        }

        for (var i = 1; i <= 5; i++)
        {
            await Store.Opportunities.AddAsync(NewOpportunity(TenantA, $"o-{i}", P1, Clock));
        }

        await Store.Opportunities.AddAsync(NewOpportunity(TenantB, "b-1", P1, Clock));
        var p = (await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100)).Changes.Select(c => c.Position).ToList();

        Assert.Equal(2, await feed.TrimAsync(TenantA, p[2]));

        var fromStart = await feed.ReadChangesAsync(TenantA, ChangeFeedPosition.Start, 100);
        Assert.True(fromStart.ResyncRequired);
        Assert.True((await feed.ReadChangesAsync(TenantA, p[0], 100)).ResyncRequired);
        var atTrimmed = await feed.ReadChangesAsync(TenantA, p[1], 100);
        Assert.False(atTrimmed.ResyncRequired);
        Assert.Equal(["o-3", "o-4", "o-5"], atTrimmed.Changes.Select(c => c.Id.Value));
        Assert.False((await feed.ReadChangesAsync(TenantA, p[3], 100)).ResyncRequired);
        var other = await feed.ReadChangesAsync(TenantB, ChangeFeedPosition.Start, 100);
        Assert.False(other.ResyncRequired);
        Assert.Equal(["b-1"], other.Changes.Select(c => c.Id.Value));
        Assert.Equal(0, await feed.TrimAsync(TenantA, p[2]));

        // Past the head: everything but the newest entry goes; the head stays readable and later writes follow it.
        Assert.Equal(2, await feed.TrimAsync(TenantA, new ChangeFeedPosition(long.MaxValue, long.MaxValue)));
        Assert.Equal(p[4], await feed.ReadHeadAsync(TenantA));
        Assert.Empty((await feed.ReadChangesAsync(TenantA, p[4], 100)).Changes);
        Assert.True((await feed.ReadChangesAsync(TenantA, p[2], 100)).ResyncRequired);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "o-6", P1, Clock));
        var after = await feed.ReadChangesAsync(TenantA, p[4], 100);
        Assert.False(after.ResyncRequired);
        Assert.Equal(["o-6"], after.Changes.Select(c => c.Id.Value));
    }
}
