using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.HistoryTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class LearnedProbabilitiesTests
{
    [Fact]
    public void Learn_NetworkRate_IsShrunkTowardTheDefaultWithTheBetaPrior()
    {
        // Proposal (default 50%): reached by 2 closed deals, won by 1. With strength 20: (1 + 20·0.5) ÷ (2 + 20) = 0.5.
        // Negotiation (default 80%): reached by 1, won by 1: (1 + 16) ÷ 21 = 0.8095…
        var deals = new[]
        {
            Path("won", ("Qualification", 0), ("Proposal", 10), ("Negotiation", 20), ("Closed won", 30)),
            Path("lost", ("Qualification", 0), ("Proposal", 6), ("Closed lost", 16)),
        };

        var learned = LearnedProbabilities.Learn(deals, PipelineDefinition.Default, new LearnedProbabilityOptions { Segment = null });

        Assert.Equal(Probability.FromBasisPoints(5_000), learned.For("Proposal"));
        Assert.Equal(Probability.FromBasisPoints(8_095), learned.For("Negotiation"));
        Assert.Equal((1L, 2L), (learned.Stages[2].Network.Successes, learned.Stages[2].Network.Trials));
        Assert.Equal(Probability.One, learned.For("Closed won"));
    }

    [Fact]
    public void Learn_NoData_FallsBackToTheDefaults()
    {
        var learned = LearnedProbabilities.Learn([], PipelineDefinition.Default);

        Assert.All(PipelineDefinition.Default.OpenStages, s => Assert.Equal(s.DefaultProbability, learned.For(s.Name, "anyone")));
    }

    [Fact]
    public void Learn_ManyDeals_ConvergesToTheTrueRatesAndSegmentsDiffer()
    {
        // True P(win | Proposal) = 0.7 × 0.5 = 0.35 for P1; 0.9 × 0.9 = 0.81 for P2.
        var p1 = Closed(1, 4_000, [0.5, 0.6, 0.7, 0.5], "P1");
        var p2 = Closed(2, 4_000, [0.5, 0.6, 0.9, 0.9], "P2");

        var learned = LearnedProbabilities.Learn([.. p1, .. p2], PipelineDefinition.Default);

        Assert.InRange(learned.For("Proposal", "P1").ToDouble(), 0.32, 0.38);
        Assert.InRange(learned.For("Proposal", "P2").ToDouble(), 0.78, 0.84);
        var segment = learned.Stages[2].Segments["P1"];
        Assert.True(segment.Lower < segment.Estimate && segment.Estimate < segment.Upper);
        Assert.Equal(learned.For("Proposal"), learned.ToDefinition("learned").GetStage("Proposal").DefaultProbability);
    }

    [Fact]
    public void ShrunkRate_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShrunkRate.Create(3, 2, 0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShrunkRate.Create(1, 2, double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShrunkRate.Create(1, 2, 0.5, 0));
    }

    [Fact]
    public void ShrunkRate_Interval_IsTheBetaPosteriorsFiveAndNinetyFivePercentQuantiles()
    {
        // Posterior Beta(1 + 1, 1 + 1) = Beta(2, 2) (prior mean ½, strength 2, one success in two trials):
        // its CDF is 3x² − 2x³, so the 5% quantile is 0.1354 and the 95% quantile 0.8646.
        var rate = ShrunkRate.Create(1, 2, 0.5, 2);

        Assert.Equal(0.5, rate.Estimate, 12);
        Assert.Equal(0.1354, rate.Lower, 4);
        Assert.Equal(0.8646, rate.Upper, 4);
    }
}
