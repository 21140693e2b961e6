using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.HistoryTestData;

namespace Opportunity.Core.Tests.Forecasting.Calibration;

public sealed class FeatureProbabilitiesTests
{
    [Fact]
    public void Learn_StageNoDealEntered_KeepsItsDefaultUnderBothCountings()
    {
        // The case: every deal goes Qualification → Proposal → closed; none enters Negotiation.
        // Under Odoo's counting the won deals "reached" Negotiation, which would learn it at ~100%.
        var deals = Enumerable.Range(0, 200).Select(n => n % 2 == 0
            ? Path($"w{n}", ("Qualification", 0), ("Proposal", 5), ("Closed won", 9))
            : Path($"l{n}", ("Qualification", 0), ("Proposal", 5), ("Closed lost", 9))).ToList();

        foreach (var counting in new[] { StageCounting.Entered, StageCounting.Reached })
        {
            var learned = LearnedProbabilities.Learn(deals, PipelineDefinition.Default, new LearnedProbabilityOptions { Segment = null, Counting = counting });

            Assert.Equal(0, learned.Stages[3].Entered);
            Assert.Equal(Probability.FromPercent(80), learned.For("Negotiation"));
            Assert.Equal(Probability.FromPercent(80), learned.ToDefinition("learned").GetStage("Negotiation").DefaultProbability);
        }
    }

    [Fact]
    public void Learn_SkippedStage_CountingDecidesWhoCounts()
    {
        // Won deal skips Needs analysis; lost deal enters it. Needs analysis (default 20%), strength 20:
        // entered → 0 won of 1: (0 + 4) ÷ 21 = 19.05%; reached → 1 won of 2: (1 + 4) ÷ 22 = 22.73%.
        var deals = new[]
        {
            Path("won", ("Qualification", 0), ("Proposal", 3), ("Negotiation", 6), ("Closed won", 9)),
            Path("lost", ("Qualification", 0), ("Needs analysis", 3), ("Closed lost", 6)),
        };

        var entered = LearnedProbabilities.Learn(deals, PipelineDefinition.Default, new LearnedProbabilityOptions { Segment = null });
        var reached = LearnedProbabilities.Learn(deals, PipelineDefinition.Default, new LearnedProbabilityOptions { Segment = null, Counting = StageCounting.Reached });

        Assert.Equal(Probability.FromBasisPoints(1_905), entered.For("Needs analysis"));
        Assert.Equal(Probability.FromBasisPoints(2_273), reached.For("Needs analysis"));
    }

    [Fact]
    public void Evaluate_WithReferenceRate_SkillAndLogLossByHand()
    {
        // Won deal: Qualification 0.1, Proposal 0.5, Negotiation 0.8; lost deal: Qualification 0.1.
        // Brier 0.2775. Log loss = −(ln 0.1 + ln 0.5 + ln 0.8 + ln 0.9) ÷ 4 = 0.8393.
        // Reference 0.5: Brier of always 0.5 = 0.25, skill = 1 − 0.2775 ÷ 0.25 = −0.11.
        var deals = new[]
        {
            Path("won", ("Qualification", 0), ("Proposal", 10), ("Negotiation", 20), ("Closed won", 30)),
            Path("lost", ("Qualification", 0), ("Closed lost", 5)),
        };

        var report = ProbabilityCalibration.Evaluate("defaults", deals, (_, stage) => stage.DefaultProbability, 0.5, 10);

        Assert.Equal(0.2775, report.Brier!.Value, 10);
        Assert.Equal(-(Math.Log(0.1) + Math.Log(0.5) + Math.Log(0.8) + Math.Log(0.9)) / 4, report.LogLoss!.Value, 10);
        Assert.Equal(-0.11, report.BrierSkill!.Value, 10);
        Assert.Equal(0.5, report.ReferenceRate);
        Assert.Null(ProbabilityCalibration.Evaluate("defaults", deals, (_, stage) => stage.DefaultProbability).BrierSkill);
    }

    [Fact]
    public void Compare_SkillIsAgainstTheTrainingBaseRate()
    {
        // Training deals (closed first) win 1 in 4 predictions... the evaluation ones all win: against
        // their own base rate (1) the skill would be undefined; against the training rate it is defined.
        var deals = new List<OpportunityHistory>();
        for (var n = 0; n < 70; n++)
        {
            deals.Add(n % 2 == 0
                ? Path($"a{n:000}", ("Qualification", n), ("Closed won", n + 1))
                : Path($"a{n:000}", ("Qualification", n), ("Closed lost", n + 1)));
        }

        for (var n = 0; n < 30; n++)
        {
            deals.Add(Path($"b{n:000}", ("Qualification", 100 + n), ("Closed won", 101 + n)));
        }

        var comparison = ProbabilityCalibration.Compare(deals, PipelineDefinition.Default, new LearnedProbabilityOptions { Segment = null });

        Assert.Equal(0.5, comparison.Learned.ReferenceRate!.Value, 10);
        Assert.Equal(1.0, comparison.Learned.BaseRate!.Value, 10);
        var brier = comparison.Learned.Brier!.Value;
        Assert.Equal(1 - (brier / 0.25), comparison.Learned.BrierSkill!.Value, 10);
    }

    [Fact]
    public void CompareModels_SyntheticDealsWhereFeaturesMatter_FeatureModelBeatsStageOnlyAndDefaults()
    {
        var deals = SyntheticDeals.Generate(7, 4_000);

        var comparison = ProbabilityCalibration.CompareModels(deals, PipelineDefinition.Default);

        Assert.True(comparison.Features.Brier < comparison.StageOnly.Brier, $"features {comparison.Features.Brier} vs stage-only {comparison.StageOnly.Brier}");
        Assert.True(comparison.Features.LogLoss < comparison.StageOnly.LogLoss);
        Assert.True(comparison.StageOnly.Brier < comparison.Defaults.Brier);
        Assert.Same(comparison.Features, comparison.Better);
        Assert.True(comparison.Features.BrierSkill > 0);

        // Partner skill and the end-of-quarter push are the strongest effects: without either the model loses the most.
        var worstWithout = comparison.Contributions.OrderByDescending(c => c.BrierWithout).Take(2).Select(c => c.Feature).Order();
        Assert.Equal([DealFeatures.Partner, DealFeatures.CloseMonthOfQuarter], worstWithout);
        var lastMonth = comparison.Model.Weights.Single(w => w is { Feature: DealFeatures.CloseMonthOfQuarter, Value: "month 3" });
        Assert.True(lastMonth.Weight > 0.5, $"month 3 weight {lastMonth.Weight}");
        Assert.All(comparison.Model.Weights.Where(w => w.Feature == DealFeatures.Region), w => Assert.InRange(w.Weight, -0.15, 0.15));
    }

    [Fact]
    public void Learn_OpenDeal_UsesItsCurrentStageAndTheTimeItHasBeenThere()
    {
        var deals = SyntheticDeals.Generate(3, 2_000);
        var model = FeatureProbabilities.Learn(deals, PipelineDefinition.Default);
        var open = new OpportunityHistory(new OpportunityId("open"), new PartnerId("P01"), new Money(5_000m, CurrencyCode.EUR), PipelineDefinition.Default,
            [new StageChange(null, "Qualification", Start, "u"), new StageChange("Qualification", "Proposal", Start + Duration.FromDays(3), "u")])
        { ExpectedClose = new LocalDate(2024, 3, 20), LeadSource = "referral" };

        var fresh = model.For(open, Start + Duration.FromDays(4));
        var stale = model.For(open, Start + Duration.FromDays(120));

        Assert.True(stale < fresh, $"after 117 days in Proposal {stale} vs after 1 day {fresh}");
        Assert.Equal(fresh, model.For(open, PipelineDefinition.Default.GetStage("Proposal"), Start + Duration.FromDays(4)));
        Assert.Equal(Probability.One, model.For(open, PipelineDefinition.Default.GetStage("Closed won")));
    }

    [Fact]
    public void Learn_OptionOutOfRange_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureProbabilities.Learn([], PipelineDefinition.Default, new FeatureModelOptions { Penalty = 0 }));
        Assert.Equal("Penalty", ex.ParamName);
        Assert.Equal("SizeBands", Assert.Throws<ArgumentOutOfRangeException>(() => FeatureProbabilities.Learn([], PipelineDefinition.Default, new FeatureModelOptions { SizeBands = 1 })).ParamName);
    }

    [Fact]
    public void FromOpportunities_WithModelProbabilities_ForecastUsesThem()
    {
        var clock = new NodaTime.Testing.FakeClock(Start);
        var deals = Enumerable.Range(1, 3).Select(n => SalesOpportunity.Open(
            new TenantId("t"), new OpportunityId($"o{n}"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(100m * n, CurrencyCode.EUR), new LocalDate(2024, 3, 1)), PipelineDefinition.Default, "u", clock)).ToList();

        var snapshot = PipelineSnapshot.FromOpportunities(deals, d => Probability.FromPercent(d.Id.Value == "o2" ? 50 : 25));
        var forecast = snapshot.Forecast(new ForecastOptions { Trials = 2_000, Seed = 1 });

        // 100 × 25% + 200 × 50% + 300 × 25% = 200; the stage default (10%) would give 60.
        Assert.Equal(new Money(200m, CurrencyCode.EUR), forecast.Expected);
        Assert.InRange(forecast.SimulatedMean.Amount, 180m, 220m);
    }
}
