namespace Opportunity.Forecasting;

/// <summary>
/// How many closed deals reached an open stage and how many of those went further (to the next
/// open stage or, from the last open stage, to won). A won deal counts as having passed every
/// open stage; open deals are left out (their fate is unknown).
/// </summary>
/// <param name="Stage">The stage.</param>
/// <param name="NextStage">The next open stage, or the won stage.</param>
/// <param name="Reached">Closed deals that reached the stage (or went beyond it).</param>
/// <param name="Advanced">Of those, the deals that reached <paramref name="NextStage"/> or beyond.</param>
public sealed record StageConversion(string Stage, string NextStage, int Reached, int Advanced)
{
    /// <summary>Advanced ÷ Reached; null when no deal reached the stage.</summary>
    public decimal? Rate => Reached == 0 ? null : (decimal)Advanced / Reached;
}
