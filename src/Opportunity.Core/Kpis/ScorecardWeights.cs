namespace Opportunity.Kpis;

/// <summary>
/// Weights of the components of a <see cref="PartnerScorecard"/> composite score (normalised by
/// their sum; none negative, at least one positive). Defaults: acceptance 0.25, speed 0.20,
/// SLA 0.15, conversion 0.25, win rate 0.15.
/// </summary>
public sealed record ScorecardWeights
{
    /// <summary>Weight of the shrunk acceptance rate.</summary>
    public double Acceptance { get; init; } = 0.25;

    /// <summary>Weight of speed: network median ÷ (network median + partner's shrunk median), business time to accept.</summary>
    public double Speed { get; init; } = 0.20;

    /// <summary>Weight of SLA compliance: 1 − shrunk breach rate.</summary>
    public double Sla { get; init; } = 0.15;

    /// <summary>Weight of the shrunk lead → won conversion.</summary>
    public double Conversion { get; init; } = 0.25;

    /// <summary>Weight of the shrunk win rate.</summary>
    public double WinRate { get; init; } = 0.15;

    internal double Total => Acceptance + Speed + Sla + Conversion + WinRate;

    internal void Validate()
    {
        double[] all = [Acceptance, Speed, Sla, Conversion, WinRate];
        if (all.Any(w => double.IsNaN(w) || w < 0) || Total <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ScorecardWeights), "Scorecard weights must not be negative and must not all be zero.");
        }
    }
}
