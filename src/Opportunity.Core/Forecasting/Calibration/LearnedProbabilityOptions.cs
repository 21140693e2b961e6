namespace Opportunity.Forecasting;

/// <summary>How <see cref="LearnedProbabilities"/> learns. Every member has a documented default.</summary>
public sealed record LearnedProbabilityOptions
{
    /// <summary>
    /// Strength (in pseudo-deals) of the Beta prior that pulls a stage's network rate toward the
    /// pipeline definition's default probability. Default 20: with 20 closed deals the data and
    /// the default weigh the same.
    /// </summary>
    public double NetworkPriorStrength { get; init; } = 20;

    /// <summary>Strength of the prior that pulls a segment's rate toward the network rate. Default 10.</summary>
    public double SegmentPriorStrength { get; init; } = 10;

    /// <summary>
    /// The segment of a deal (e.g. its partner, product line or region); null learns network-wide
    /// rates only. Default: the partner.
    /// </summary>
    public Func<OpportunityHistory, string?>? Segment { get; init; } = h => h.Partner.Value;

    /// <summary>Which closed deals count for a stage. Default <see cref="StageCounting.Entered"/>.</summary>
    public StageCounting Counting { get; init; } = StageCounting.Entered;
}
