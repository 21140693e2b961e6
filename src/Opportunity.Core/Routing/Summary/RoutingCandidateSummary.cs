namespace Opportunity.Routing;

/// <summary>
/// One of the best candidates of a decision in a <see cref="RoutingDecisionSummary"/>: its total
/// score (Σ weight × score) and what each scorer gave it, in the order of the scorer steps. Scores
/// are kept to four decimals, as <see cref="RoutingDecision.Format"/> prints them.
/// </summary>
/// <param name="Partner">The partner.</param>
/// <param name="Picked">True when the selector picked it.</param>
/// <param name="TotalScore">Σ weight × score over the scorers (0 without scorers).</param>
/// <param name="Scores">The score of each scorer step, in pipeline order.</param>
public sealed record RoutingCandidateSummary(PartnerId Partner, bool Picked, double TotalScore, IReadOnlyList<double> Scores)
{
    /// <inheritdoc />
    public bool Equals(RoutingCandidateSummary? other) =>
        other is not null && Partner == other.Partner && Picked == other.Picked && TotalScore.Equals(other.TotalScore) && Scores.SequenceEqual(other.Scores);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Partner, Picked, TotalScore, Scores.Count);
}
