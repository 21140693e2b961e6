using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Racing writers (default 16 × 200 rounds) each load the same opportunity, add one cent and
    /// save. No update is lost: the final amount grew by exactly the number of successful commits,
    /// the final version is one (the add) plus that number, every loser got
    /// <see cref="ConcurrencyException"/> and nothing else, and the outbox holds exactly one event
    /// per successful commit, each with a distinct amount (no event of a refused write).
    /// </summary>
    [ConformanceFact]
    public async Task Concurrency_RacingWriters_LoseNoUpdate()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        var opportunity = NewOpportunity(TenantA, "contended", P1, Clock, 0m);
        await Store.Opportunities.AddAsync(opportunity);
        var successes = 0;
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < ConcurrentRounds; round++)
            {
                var loaded = (await Store.Opportunities.FindAsync(scope, opportunity.Id))!;
                loaded.ChangeAmount(loaded.Amount + new Money(0.01m, CurrencyCode.EUR), $"writer-{w}", Clock);
                try
                {
                    await Store.Opportunities.UpdateAsync(loaded);
                    Interlocked.Increment(ref successes);
                }
                catch (ConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var final = (await Store.Opportunities.FindAsync(scope, opportunity.Id))!;
        Assert.Equal(ConcurrentWriters * ConcurrentRounds, successes + conflicts);
        Assert.True(successes > 0);
        Assert.Equal(1 + successes, final.Version);
        Assert.Equal(successes, final.Amount.MinorUnits);
        var changes = (await Store.Outbox.ListPendingAsync())
            .Where(m => m.Type == nameof(OpportunityAmountChanged))
            .Select(m => ((OpportunityAmountChanged)DomainEventSerializer.Deserialize(m.Type, m.Payload)).Current.MinorUnits)
            .ToList();
        Assert.Equal(successes, changes.Count);
        Assert.Equal(Enumerable.Range(1, successes).Select(i => (long)i), changes.Order());
    }
}
