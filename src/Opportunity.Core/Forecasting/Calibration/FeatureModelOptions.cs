namespace Opportunity.Forecasting;

/// <summary>How <see cref="FeatureProbabilities"/> learns. Every member has a documented default.</summary>
public sealed record FeatureModelOptions
{
    /// <summary>The features used. Default: all of them; a feature a deal has no value for adds nothing.</summary>
    public DealFeatures Features { get; init; } = DealFeatures.All;

    /// <summary>Which closed deals count for a stage, for the stage prior and the feature weights. Default <see cref="StageCounting.Entered"/>.</summary>
    public StageCounting Counting { get; init; } = StageCounting.Entered;

    /// <summary>Strength of the Beta prior pulling each stage's rate toward its default (as <see cref="LearnedProbabilityOptions.NetworkPriorStrength"/>). Default 20.</summary>
    public double NetworkPriorStrength { get; init; } = 20;

    /// <summary>
    /// The L2 penalty λ on the feature weights (a Normal(0, 1/λ) prior on each log-odds weight):
    /// a value seen on few deals stays near 0, so the deal keeps its stage rate. Default 4: a value
    /// needs about 16 (deal, stage) rows before its data outweighs the prior.
    /// </summary>
    public double Penalty { get; init; } = 4;

    /// <summary>Number of deal size bands (quantiles of the training amounts per currency), 2 to 10. Default 4.</summary>
    public int SizeBands { get; init; } = 4;

    /// <summary>The fiscal calendar whose quarters <see cref="DealFeatures.CloseMonthOfQuarter"/> uses. Default: calendar year.</summary>
    public FiscalCalendar FiscalCalendar { get; init; } = FiscalCalendar.CalendarYear;

    /// <summary>Most coordinate-descent sweeps over the weights, 1 to 10,000 (the fit stops once no weight moves by 10⁻¹⁰). Default 500.</summary>
    public int MaxSweeps { get; init; } = 500;

    /// <summary>Throws when a member is out of range, naming it.</summary>
    internal void Validate()
    {
        if (double.IsNaN(NetworkPriorStrength) || NetworkPriorStrength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NetworkPriorStrength), NetworkPriorStrength, "The stage prior strength must be positive.");
        }

        if (double.IsNaN(Penalty) || double.IsInfinity(Penalty) || Penalty <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Penalty), Penalty, "The penalty must be positive and finite.");
        }

        if (SizeBands is < 2 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(SizeBands), SizeBands, "Between 2 and 10 size bands.");
        }

        if (MaxSweeps is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSweeps), MaxSweeps, "Between 1 and 10,000 sweeps.");
        }

        if ((Features & ~DealFeatures.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Features), Features, "Unknown feature flags.");
        }
    }
}
