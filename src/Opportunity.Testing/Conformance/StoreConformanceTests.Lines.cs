using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Line items and credit splits are stored with the opportunity (in its document), read back
    /// equal, give the derived amount to the amount column the pipeline reads, and are gone once cleared.
    /// </summary>
    [ConformanceFact]
    public async Task Opportunity_LinesAndSplits_RoundTripAndDriveTheStoredAmount()
    {
        var opportunity = NewOpportunity(TenantA, "opp-lines", P1, Clock, 100m);
        await Store.Opportunities.AddAsync(opportunity);
        opportunity.SetLines(
        [
            new OpportunityLine("pump-x", 3m, new Money(1_000m, CurrencyCode.EUR), discountPercent: 10m),
            new OpportunityLine("installation", 1.5m, new Money(200m, CurrencyCode.EUR)),
        ], "alice", Clock);
        opportunity.SetSplits(
        [
            new OpportunitySplit(P1.Value, SplitRole.Partner, 70m),
            new OpportunitySplit("dist-north", SplitRole.Distributor, 20.5m),
            new OpportunitySplit("rep anna", SplitRole.ManufacturerRep, 9.5m),
        ], "alice", Clock);
        await Store.Opportunities.UpdateAsync(opportunity);

        var scope = AccessScope.Manufacturer(TenantA);
        var found = await Store.Opportunities.FindAsync(scope, opportunity.Id);

        Assert.NotNull(found);
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), found.Amount); // 3 × 1,000 × 90 % + 1.5 × 200
        Assert.Equal(opportunity.Lines, found.Lines);
        Assert.Equal(opportunity.Splits, found.Splits);
        Assert.Equal(Doc(opportunity), Doc(found));
        var snapshot = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, new PipelineSnapshotOptions { Pipelines = Pipelines });
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), snapshot.Total().CurrencyTotals.Single().Amount);

        found.SetLines([], "alice", Clock);
        found.SetSplits([], "alice", Clock);
        await Store.Opportunities.UpdateAsync(found);
        var cleared = await Store.Opportunities.FindAsync(scope, opportunity.Id);

        Assert.NotNull(cleared);
        Assert.Empty(cleared.Lines);
        Assert.Empty(cleared.Splits);
        Assert.Null(cleared.ToSnapshot().Lines);
        Assert.Equal(new Money(3_000m, CurrencyCode.EUR), cleared.Amount);
    }

    /// <summary>
    /// The grouping by product: the streamed snapshot and the push-down give Core's answer
    /// (<see cref="PipelineCredits.ByProduct"/>) unit for unit — a deal with two products split by its
    /// lines, the same product twice in one deal counted once, a deal without lines under
    /// <c>(none)</c> — and the groups add up to the pipeline total; changed lines are seen at once.
    /// </summary>
    [ConformanceFact]
    public async Task Pipeline_GroupedByProduct_EqualsByProductAndSumsToTheTotal()
    {
        var lines = NewOpportunity(TenantA, "opp-products", P1, Clock, 100m);
        lines.SetLines(
        [
            new OpportunityLine("pump-x", 3m, new Money(1_000.01m, CurrencyCode.EUR), discountPercent: 12.5m),
            new OpportunityLine("installation", 1.5m, new Money(200m, CurrencyCode.EUR)),
            new OpportunityLine("pump-x", 1m, new Money(0.03m, CurrencyCode.EUR)),
        ], "alice", Clock);
        var plain = NewOpportunity(TenantA, "opp-plain", P2, Clock, 250m);
        await Store.Opportunities.AddAsync(lines);
        await Store.Opportunities.AddAsync(plain);
        var scope = AccessScope.Manufacturer(TenantA);
        var options = new PipelineSnapshotOptions { Pipelines = Pipelines };

        await AssertByProductAsync([lines, plain]);
        Assert.Equal(["(none)", "installation", "pump-x"], (await GroupsAsync()).Select(g => g.First));

        lines.SetLines([new OpportunityLine("service", 2m, new Money(10m, CurrencyCode.EUR))], "alice", Clock);
        await Store.Opportunities.UpdateAsync(lines);

        await AssertByProductAsync([lines, plain]);
        Assert.Equal(["(none)", "service"], (await GroupsAsync()).Select(g => g.First));

        async Task<IReadOnlyList<PipelineGroupTotal>> GroupsAsync()
        {
            using var totals = (await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, options)).Group(PipelineDimension.Product);
            return [.. totals.Groups];
        }

        async Task AssertByProductAsync(SalesOpportunity[] deals)
        {
            var want = PipelineCredits.ByProduct(deals).OrderBy(g => g.First == PipelineCredits.NoProduct ? 0 : 1).ThenBy(g => g.First, StringComparer.Ordinal).ToList();
            var snapshot = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, options);
            using var streamed = snapshot.Group(PipelineDimension.Product);
            Assert.Equal(want, streamed.Groups);
            using var total = snapshot.Total();
            var sum = total.CurrencyTotals.Single();
            Assert.Equal((sum.AmountMinorUnits, sum.Weighted.Scaled), (want.Aggregate(Int128.Zero, (s, g) => s + g.AmountMinorUnits), want.Aggregate(Int128.Zero, (s, g) => s + g.Weighted.Scaled)));
            if (Store.PushDown is { } pushDown)
            {
                Assert.Equal(want, await pushDown.AggregatePipelineAsync(scope, PipelineGrouping.By(PipelineDimension.Product), options));
            }
        }
    }
}
