using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using Opportunity.Testing.Data;

namespace Opportunity.Testing.Tests.Data;

public sealed class PartnerNetworkTests
{
    private static readonly PartnerNetworkSpec Spec = PartnerNetworkSpec.Small with { Partners = 500, OpenOpportunities = 40_000 };

    [Fact]
    public void Generate_SameSpec_SameDealsEveryTime()
    {
        var a = PartnerNetwork.Generate(Spec).Opportunities().Take(2_000).ToList();
        var b = PartnerNetwork.Generate(Spec).Opportunities().Take(2_000).ToList();
        var other = PartnerNetwork.Generate(Spec with { Seed = 43 }).Opportunities().Take(2_000).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(o => o.Amount), other.Select(o => o.Amount));
    }

    [Fact]
    public void Generate_Shape_CountsSkewCurrenciesQuartersAndOverrides()
    {
        var network = PartnerNetwork.Generate(Spec);
        var deals = network.Opportunities().ToList();
        var sizes = Enumerable.Range(0, Spec.Partners).Select(network.OpportunityCountOf).OrderDescending().ToList();

        Assert.Equal(Spec.OpenOpportunities, deals.Count);
        Assert.Equal(Spec.OpenOpportunities, sizes.Sum());
        Assert.True(sizes[0] > 20 * sizes[Spec.Partners / 2], $"largest {sizes[0]}, median {sizes[Spec.Partners / 2]}: sizes must be skewed");
        Assert.Equal(3, deals.Select(d => d.Amount.Currency).Distinct().Count());
        Assert.All(deals, d => Assert.InRange(d.ExpectedClose, Spec.FirstCloseDate, Spec.FirstCloseDate.PlusMonths(18).PlusDays(-1)));
        Assert.Equal(6, deals.Select(d => FiscalCalendar.CalendarYear.QuarterOf(d.ExpectedClose)).Distinct().Count());
        Assert.InRange(deals.Count(d => d.ProbabilityOverride is not null) / (double)deals.Count, 0.08, 0.12);
        Assert.InRange(deals.Count(d => d.Stage.Name == "Qualification") / (double)deals.Count, 0.32, 0.38);
        Assert.All(deals, d => Assert.Equal(StageKind.Open, d.Stage.Kind));
    }

    [Fact]
    public void ToSnapshot_WrittenColumnByColumn_EqualsSnapshotOfTheSameDealsAsRows()
    {
        var network = PartnerNetwork.Generate(Spec);
        var fast = network.ToSnapshot();
        var slow = PipelineSnapshot.FromRows(network.Rows());

        foreach (var grouping in new[] { PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage), PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory), PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.ProductLine) })
        {
            Assert.Equal(
                slow.Group(grouping).Groups.Select(g => (g.Key, g.Currency, g.Count, g.AmountMinorUnits, g.Weighted.Scaled)),
                fast.Group(grouping).Groups.Select(g => (g.Key, g.Currency, g.Count, g.AmountMinorUnits, g.Weighted.Scaled)));
        }

        Assert.InRange(fast.BytesPerOpportunity, 19, 24);
    }

    [Fact]
    public void OpenOpportunities_SmallNetwork_AreAggregatesWithTheGeneratedValues()
    {
        var network = PartnerNetwork.Generate(new PartnerNetworkSpec { Partners = 20, OpenOpportunities = 300 });
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 1, 0, 0));

        var aggregates = network.OpenOpportunities(new TenantId("acme"), clock).ToList();
        var partners = network.Partners(new TenantId("acme")).ToList();

        Assert.Equal(network.Opportunities().Select(o => (o.Id, o.Amount, o.Probability)), aggregates.Select(o => (o.Id.Value, o.Amount, o.Probability)));
        Assert.Equal(20, partners.Count);
    }

    [Fact]
    public void Generate_InvalidSpec_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartnerNetwork.Generate(Spec with { Partners = 0 }));
        Assert.Throws<ArgumentException>(() => PartnerNetwork.Generate(Spec with { StageMix = [1.0] }));
    }
}
