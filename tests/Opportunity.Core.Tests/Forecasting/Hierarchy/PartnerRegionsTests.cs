using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

public sealed class PartnerRegionsTests
{
    [Fact]
    public void PartnerRegions_PartnersOfOneRegionAndOfSeveral_TheOneRegionsCodeElseMinusOne_KeptAndCounted()
    {
        var snapshot = PipelineSnapshot.FromRows(
        [
            Row("P1", 10m, ForecastCategory.Commit, "EMEA"),
            Row("P1", 20m, ForecastCategory.Pipeline, "EMEA"),
            Row("P2", 30m, ForecastCategory.Commit, "EMEA"),
            Row("P2", 40m, ForecastCategory.Commit, "APAC"),
            Row("P3", 50m, ForecastCategory.BestCase, "APAC"),
        ]);
        var d = snapshot.Dictionaries;
        int Code(string region) => Array.IndexOf(d.Regions, region);

        var before = snapshot.ColumnBytes;

        var regions = snapshot.PartnerRegions;

        Assert.Equal([Code("EMEA"), -1, Code("APAC")], regions);
        Assert.Same(regions, snapshot.PartnerRegions);
        Assert.Equal(before + (4 * 3), snapshot.ColumnBytes);
    }
}
