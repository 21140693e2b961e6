namespace Opportunity.Forecasting;

/// <summary>What was learned for one open stage, network-wide and per segment.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Default">The pipeline definition's default probability.</param>
/// <param name="Network">The network rate: won ÷ reached, shrunk toward the default.</param>
/// <param name="Segments">Per segment: the segment's rate shrunk toward the network rate.</param>
public sealed record LearnedStageProbability(string Stage, Probability Default, ShrunkRate Network, IReadOnlyDictionary<string, ShrunkRate> Segments)
{
    /// <summary>Closed deals that entered the stage. Without any, the stage keeps its default whatever the counting.</summary>
    public long Entered { get; init; }
}
