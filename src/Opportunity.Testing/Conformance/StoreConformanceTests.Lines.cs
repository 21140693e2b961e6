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
}
