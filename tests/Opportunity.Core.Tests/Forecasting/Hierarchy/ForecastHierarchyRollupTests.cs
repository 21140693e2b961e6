using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

public sealed class ForecastHierarchyRollupTests
{
    private const string Emea = "network/region:EMEA";
    private const string Anna = "network/region:EMEA/channel_manager:anna@acme.example";

    private static readonly Instant Monday = Instant.FromUtc(2025, 2, 3, 9, 0);

    private static readonly ForecastHierarchy Tree = ForecastHierarchy.Default(
    [
        Partner("P1", "anna@acme.example"),
        Partner("P2", "anna@acme.example"),
        Partner("P3", "bob@acme.example"),
        Partner("P4", null),
    ]);

    private static PipelineSnapshot Pipeline() => PipelineSnapshot.FromRows(
    [
        Row("P1", 1_000m, ForecastCategory.Closed, "EMEA"),
        Row("P1", 2_000m, ForecastCategory.Commit, "EMEA", 9_000),
        Row("P1", 500m, ForecastCategory.Commit, "APAC", 9_000),
        Row("P2", 4_000m, ForecastCategory.BestCase, "EMEA", 6_000),
        Row("P3", 8_000m, ForecastCategory.Pipeline, "EMEA", 1_000),
        Row("P4", 3_000m, ForecastCategory.Commit, null, 9_000),
        Row("P4", 9_000m, ForecastCategory.Commit, "EMEA", 9_000, month: 5),
    ]);

    [Fact]
    public void Compute_DefaultTree_RollsUpRegionChannelManagerAndPartner()
    {
        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR);

        Assert.Equal(
            new[] { "network", Emea, Anna, $"{Anna}/partner:P1", $"{Anna}/partner:P2", "network/region:APAC", "network/region:APAC/channel_manager:anna@acme.example", "network/region:APAC/channel_manager:anna@acme.example/partner:P1", "network/region:EMEA/channel_manager:bob@acme.example", "network/region:EMEA/channel_manager:bob@acme.example/partner:P3", "network/region:(none)", "network/region:(none)/partner:P4" }.Order(StringComparer.Ordinal),
            rollup.Paths.Order(StringComparer.Ordinal).ToArray() is var sorted ? sorted : []);
        var root = rollup["network"];
        Assert.Equal((Eur(1_000m), Eur(6_500m), Eur(10_500m)), (root.Closed, root.CommitForecast, root.BestCaseForecast));
        Assert.Equal(Eur(2_000m + 500m + 4_000m + 8_000m + 3_000m), root.OpenPipeline);
        var anna = rollup[Anna];
        Assert.Equal(("channel_manager", "anna@acme.example", Emea), (anna.Level, anna.Key, anna.Parent));
        Assert.Equal(Eur(7_000m), anna.BestCaseForecast);
        Assert.Equal(new ForecastCategoryLine(ForecastCategory.Commit, 3, Eur(5_500m), Eur(4_950m)), root.Categories[(int)ForecastCategory.Commit]);
        Assert.Equal(Eur(1_000m), root.Won);
    }

    [Fact]
    public void Compute_DefaultTreeWithDistributors_ResellersAndTheirDistributorShareOneNodeAndOthersSkipIt()
    {
        // D1 → R1 → R2 (three tiers), P9 outside every tree; all in Anna's EMEA book.
        var partners = new[]
        {
            Partner("D1", "anna@acme.example"),
            Partner("R1", "anna@acme.example") with { ParentId = new PartnerId("D1") },
            Partner("R2", "anna@acme.example") with { ParentId = new PartnerId("R1") },
            Partner("P9", "anna@acme.example"),
        };
        var pipeline = PipelineSnapshot.FromRows(
        [
            Row("D1", 1_000m, ForecastCategory.Commit, "EMEA", 9_000),
            Row("R1", 2_000m, ForecastCategory.Commit, "EMEA", 9_000),
            Row("R2", 4_000m, ForecastCategory.Commit, "EMEA", 9_000),
            Row("P9", 8_000m, ForecastCategory.Commit, "EMEA", 9_000),
        ]);

        var rollup = ForecastHierarchyRollup.Compute(pipeline, ForecastHierarchy.Default(partners), Q1, CurrencyCode.EUR);

        const string d1 = $"{Anna}/distributor:D1";
        Assert.Equal(Eur(7_000m), rollup[d1].CommitForecast);
        Assert.Equal(new[] { $"{d1}/partner:D1", $"{d1}/partner:R1", $"{d1}/partner:R2" }, rollup.Paths.Where(p => p.StartsWith(d1 + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(Eur(8_000m), rollup[$"{Anna}/partner:P9"].CommitForecast);
        Assert.Equal(Eur(15_000m), rollup[Anna].CommitForecast);
    }

    [Fact]
    public void Compute_RootWithoutAdjustments_EqualsThePeriodRollup()
    {
        var pipeline = Pipeline();
        var rollup = ForecastHierarchyRollup.Compute(pipeline, Tree, Q1, CurrencyCode.EUR);
        var period = ForecastRollup.Compute(pipeline, Q1, CurrencyCode.EUR);

        Assert.Equal(period.Categories, rollup["network"].Categories);
        Assert.Equal((period.Closed, period.CommitForecast, period.BestCaseForecast), (rollup["network"].Closed, rollup["network"].CommitForecast, rollup["network"].BestCaseForecast));
    }

    [Fact]
    public void Compute_AdjustmentAtNode_ReplacesItsFigureAndRollsUpInItsPlace()
    {
        var adjustment = new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, Eur(5_000m), "eve@acme.example", Monday, "P1 signs the framework deal");

        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, [adjustment]);

        Assert.Equal(Eur(5_000m), rollup[Anna].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(2_000m), rollup[Anna].Categories[(int)ForecastCategory.Commit].Amount);
        Assert.Equal([adjustment], rollup[Anna].Adjustments);
        Assert.Equal(Eur(2_000m), rollup[$"{Anna}/partner:P1"].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(5_000m), rollup[Emea].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(5_000m + 500m + 3_000m), rollup["network"].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(1_000m + 8_500m), rollup["network"].CommitForecast);
        Assert.Empty(rollup["network"].Adjustments);
    }

    [Fact]
    public void Compute_AdjustmentAboveAnother_ReplacesTheAdjustedSubtree()
    {
        ForecastAdjustment[] adjustments =
        [
            new($"{Anna}/partner:P1", Q1, ForecastCategory.Commit, Eur(100m), "anna@acme.example", Monday, "slipping"),
            new(Emea, Q1, ForecastCategory.Commit, Eur(7_000m), "eve@acme.example", Monday, "region call"),
        ];

        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, adjustments);

        Assert.Equal(Eur(100m), rollup[Anna].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(7_000m), rollup[Emea].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(7_000m + 500m + 3_000m), rollup["network"].Forecast[ForecastCategory.Commit]);
    }

    [Fact]
    public void Compute_AdjustmentHistory_LatestIsInEffectAndNullRemovesIt()
    {
        var first = new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, Eur(5_000m), "anna@acme.example", Monday, "framework deal");
        var second = new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, Eur(6_000m), "anna@acme.example", Monday.Plus(Duration.FromDays(7)), "and the upsell");
        var removed = new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, null, "eve@acme.example", Monday.Plus(Duration.FromDays(8)), "back to the deals");
        var otherQuarter = new ForecastAdjustment(Anna, FiscalCalendar.CalendarYear.Quarter(2025, 2), ForecastCategory.Commit, Eur(1m), "anna@acme.example", Monday, "next quarter");

        Assert.Equal(Eur(6_000m), ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, [second, first, otherQuarter])[Anna].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(2_000m), ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, [first, second, removed])[Anna].Forecast[ForecastCategory.Commit]);
    }

    [Fact]
    public void Compute_AdjustmentOnNodeNotInTree_ThrowsForecastNodeNotFound()
    {
        var adjustment = new ForecastAdjustment("network/region:LATAM", Q1, ForecastCategory.Commit, Eur(1m), "eve@acme.example", Monday, "new region");

        var error = Assert.Throws<EntityNotFoundException>(() => ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, [adjustment]));

        Assert.Equal((OpportunityErrorCodes.ForecastNodeNotFound, "ForecastNode", "network/region:LATAM"), (error.ErrorCode, error.Kind, error.Id));
    }

    [Fact]
    public void Compute_AdjustmentInAnotherCurrency_ThrowsCurrencyMismatch()
    {
        var adjustment = new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, new Money(1m, CurrencyCode.USD), "eve@acme.example", Monday, "usd");

        Assert.Throws<CurrencyMismatchException>(() => ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR, [adjustment]));
    }

    [Fact]
    public void Indexer_UnknownNode_ThrowsForecastNodeNotFound()
    {
        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR);

        var error = Assert.Throws<EntityNotFoundException>(() => rollup["network/region:EMEA/partner:P1"]);

        Assert.Equal(OpportunityErrorCodes.ForecastNodeNotFound, error.ErrorCode);
        Assert.False(rollup.Contains("network/region:EMEA/partner:P1"));
    }

    [Fact]
    public void ForecastAdjustment_WithoutReason_ThrowsValidationFailedNamingTheField()
    {
        var error = Assert.Throws<InputValidationException>(() => new ForecastAdjustment(Anna, Q1, ForecastCategory.Commit, Eur(1m), "eve@acme.example", Monday, " "));

        Assert.Equal((OpportunityErrorCodes.ValidationFailed, "ForecastAdjustment.Reason"), (error.ErrorCode, error.Field));
    }

    [Fact]
    public void ForecastHierarchy_LevelTwice_ThrowsInvalidForecastHierarchy()
    {
        var error = Assert.Throws<InvalidInputException>(() => new ForecastHierarchy([ForecastHierarchyLevel.Region, ForecastHierarchyLevel.Region], []));

        Assert.Equal(OpportunityErrorCodes.InvalidForecastHierarchy, error.ErrorCode);
        Assert.Equal(OpportunityErrorCodes.InvalidForecastHierarchy, Assert.Throws<InvalidInputException>(() => ForecastHierarchyLevel.OfPartner("partner", p => p.Name)).ErrorCode);
        Assert.Equal(OpportunityErrorCodes.InvalidForecastHierarchy, Assert.Throws<InvalidInputException>(() => ForecastHierarchyLevel.OfPartner("a/b", p => p.Name)).ErrorCode);
    }

    [Fact]
    public void Compute_CustomPartnerLevel_GroupsByItsKeyAndSkipsPartnersWithoutOne()
    {
        var distributors = new Dictionary<PartnerId, string> { [new("P1")] = "D/1%", [new("P2")] = "D/1%" };
        var tree = new ForecastHierarchy([ForecastHierarchyLevel.OfPartner("distributor", distributors)], [Partner("P1", null), Partner("P2", null), Partner("P3", null)], "acme");

        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), tree, Q1, CurrencyCode.EUR);

        var distributor = rollup["acme/distributor:D%2F1%25"];
        Assert.Equal(("distributor", "D/1%"), (distributor.Level, distributor.Key));
        Assert.Equal(["acme/distributor:D%2F1%25/partner:P1", "acme/distributor:D%2F1%25/partner:P2"], distributor.Children);
        Assert.Equal(Eur(1_000m + 2_500m + 4_000m), distributor.BestCaseForecast);
        Assert.True(rollup.Contains("acme/partner:P3"));
        Assert.True(rollup.Contains("acme/partner:P4"));
    }

    [Fact]
    public void Attainment_NodeTarget_GivesAttainmentAndCoverageOfTheNode()
    {
        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR);

        var result = rollup.Attainment(new SalesTarget(Q1, Eur(4_000m)) { Node = Anna });

        Assert.Equal(0.25m, result.Attainment);
        Assert.Equal(Eur(3_000m), result.Remaining);
        Assert.Equal(2m, result.Coverage);
        Assert.Equal((1_800m + 2_400m) / 3_000m, result.WeightedCoverage);
        Assert.Equal(1_000m / 40_000m, rollup.Attainment(new SalesTarget(Q1, Eur(40_000m))).Attainment);
        Assert.Throws<EntityNotFoundException>(() => rollup.Attainment(new SalesTarget(Q1, Eur(1m)) { Node = "network/region:LATAM" }));
    }

    [Fact]
    public void Attainment_PartnerOrRegionTarget_IsRefusedRatherThanAnsweredWithTheNetwork()
    {
        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR);

        var partner = Assert.Throws<ArgumentException>(() => rollup.Attainment(new SalesTarget(Q1, Eur(100m)) { Partner = new PartnerId("P1") }));
        var region = Assert.Throws<ArgumentException>(() => rollup.Attainment(new SalesTarget(Q1, Eur(100m)) { Region = "EMEA" }));

        Assert.Contains("partner P1", partner.Message, StringComparison.Ordinal);
        Assert.Contains("ForecastVsTarget.Compute", region.Message, StringComparison.Ordinal);
        Assert.Equal("target", partner.ParamName);
    }

    [Fact]
    public void Won_NodeSnapshots_MeasureAccuracyPerNode()
    {
        var rollup = ForecastHierarchyRollup.Compute(Pipeline(), Tree, Q1, CurrencyCode.EUR);
        var snapshot = new ForecastSnapshot
        {
            Period = Q1,
            TakenOn = new LocalDate(2025, 2, 3),
            Node = Anna,
            Currency = CurrencyCode.EUR,
            Expected = Eur(1_500m),
            P10 = Eur(500m),
            P50 = Eur(1_400m),
            P90 = Eur(2_000m),
            CommitForecast = Eur(3_000m),
            BestCaseForecast = Eur(7_000m),
            ByCategory = new Dictionary<ForecastCategory, Money>(),
        };

        var accuracy = ForecastAccuracy.Evaluate([snapshot], rollup[Anna].Won);

        Assert.Equal(Eur(500m), accuracy.Lines[0].Error);
        Assert.True(accuracy.Lines[0].WithinBand);
    }

    [Fact]
    public void Compute_ForeignCurrencies_ConvertsEachNodeOnceFromExactSums()
    {
        var pipeline = PipelineSnapshot.FromRows(
        [
            Row("P1", 0.01m, ForecastCategory.Commit, "EMEA", currency: CurrencyCode.USD),
            Row("P2", 0.01m, ForecastCategory.Commit, "EMEA", currency: CurrencyCode.USD),
        ]);
        var rates = new FixedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, 0.5m);

        var rollup = ForecastHierarchyRollup.Compute(pipeline, Tree, Q1, CurrencyCode.EUR, rates: rates);

        Assert.Equal(Eur(0.00m), rollup[$"{Anna}/partner:P1"].Forecast[ForecastCategory.Commit]);
        Assert.Equal(Eur(0.01m), rollup[Anna].Forecast[ForecastCategory.Commit]);
        Assert.Equal(ForecastRollup.Compute(pipeline, Q1, CurrencyCode.EUR, rates).CommitForecast, rollup["network"].CommitForecast);
    }
}
