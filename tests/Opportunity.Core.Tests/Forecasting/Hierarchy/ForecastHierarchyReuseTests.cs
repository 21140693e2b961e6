using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

/// <summary>The tree a <see cref="ForecastHierarchy"/> keeps across roll-ups changes no roll-up's answer.</summary>
public sealed class ForecastHierarchyReuseTests
{
    private static readonly ForecastPeriod Q2 = FiscalCalendar.CalendarYear.Quarter(2025, 2);

    private static ForecastHierarchy NewTree() => ForecastHierarchy.Default(
    [
        Partner("P1", "anna@acme.example"),
        Partner("P2", "bob@acme.example"),
        Partner("P3", "anna@acme.example"),
    ]);

    private static PipelineSnapshot Pipeline() => PipelineSnapshot.FromRows(
    [
        Row("P1", 1_000m, ForecastCategory.Commit, "EMEA"),
        Row("P2", 2_000m, ForecastCategory.BestCase, "APAC"),
        Row("P1", 3_000m, ForecastCategory.Commit, "APAC", month: 5),
        Row("P3", 4_000m, ForecastCategory.Pipeline, "EMEA", month: 5),
    ]);

    [Fact]
    public void Compute_AfterAnotherPeriodOnTheSameHierarchy_SameNodesOrderAndFiguresAsAFreshOne()
    {
        var reused = NewTree();
        var pipeline = Pipeline();
        var first = ForecastHierarchyRollup.Compute(pipeline, reused, Q1, CurrencyCode.EUR);

        var second = ForecastHierarchyRollup.Compute(pipeline, reused, Q2, CurrencyCode.EUR);
        var fresh = ForecastHierarchyRollup.Compute(Pipeline(), NewTree(), Q2, CurrencyCode.EUR);

        Assert.Equal(fresh.Paths, second.Paths);
        Assert.Equal(fresh.NodeCount, second.NodeCount);
        Assert.All(fresh.Paths, path => Assert.Equal(Figures(fresh[path]), Figures(second[path])));
        Assert.True(first.Contains("network/region:APAC/channel_manager:bob@acme.example/partner:P2"));
        Assert.False(second.Contains("network/region:APAC/channel_manager:bob@acme.example/partner:P2"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void Compute_DealsClosingOnThePeriodsBoundaries_CountTheFirstAndLastDayAndNotTheDaysAround(int minRowsPerWorker)
    {
        var tree = NewTree();
        var pipeline = PipelineSnapshot.FromRows(
        [
            new PipelineRow(new PartnerId("P1"), Eur(1m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2024, 12, 31)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P1"), Eur(20m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 1, 1)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P2"), Eur(300m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 3, 31)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P2"), Eur(4_000m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 4, 1)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P3"), Eur(50_000m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 4, 1)) { Region = "EMEA" },
        ],
            new PipelineSnapshotOptions { MaxDegreeOfParallelism = 3 });

        var rollup = ForecastHierarchyRollup.ComputeInParts(pipeline, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker);

        var commit = rollup[rollup.Root].Categories[(int)ForecastCategory.Commit];
        Assert.Equal(2, commit.Count);
        Assert.Equal(Eur(320m), commit.Amount);
        Assert.Equal(Eur(20m), rollup["network/region:EMEA/channel_manager:anna@acme.example/partner:P1"].Categories[(int)ForecastCategory.Commit].Amount);
        Assert.Equal(Eur(300m), rollup["network/region:EMEA/channel_manager:bob@acme.example/partner:P2"].CommitForecast);
        Assert.False(rollup.Contains("network/region:EMEA/channel_manager:anna@acme.example/partner:P3"));
        Assert.Equal(Eur(54_000m), ForecastHierarchyRollup.ComputeInParts(pipeline, tree, Q2, CurrencyCode.EUR, null, null, null, minRowsPerWorker)[rollup.Root].CommitForecast);
    }

    private static string Figures(ForecastNodeRollup node) =>
        $"{node.Level} {node.Key} {node.Parent} [{string.Join(", ", node.Children)}] [{string.Join(", ", node.Categories)}] {node.Closed} {node.CommitForecast} {node.BestCaseForecast} {node.OpenPipeline} {node.OpenWeighted}";

    [Fact]
    public void Compute_PartnerWithMoreRowsThan64BitSumsHold_StaysExact()
    {
        // 9 × 10^14 minor units at 100 % is 9 × 10^18 per row: two of them overflow a 64-bit sum of amount × basis points.
        var huge = Money.FromMinorUnits(900_000_000_000_000, CurrencyCode.EUR);
        var pipeline = PipelineSnapshot.FromRows(
        [
            new PipelineRow(new PartnerId("P1"), huge, "Negotiation", Probability.FromBasisPoints(10_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 2, 1)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P1"), huge, "Negotiation", Probability.FromBasisPoints(10_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 2, 2)) { Region = "EMEA" },
            new PipelineRow(new PartnerId("P2"), Eur(0.01m), "Negotiation", Probability.FromBasisPoints(5_000), ForecastCategory.Commit, new NodaTime.LocalDate(2025, 2, 2)) { Region = "EMEA" },
        ]);

        var rollup = ForecastHierarchyRollup.Compute(pipeline, NewTree(), Q1, CurrencyCode.EUR);

        var partner = rollup["network/region:EMEA/channel_manager:anna@acme.example/partner:P1"];
        Assert.Equal(huge + huge, partner.OpenWeighted);
        Assert.Equal(huge + huge + Eur(0.01m), rollup["network"].Categories[(int)ForecastCategory.Commit].Amount);
        Assert.Equal(huge + huge + Eur(0.00m), rollup["network"].OpenWeighted); // 0.005 rounds half to even
    }
}
