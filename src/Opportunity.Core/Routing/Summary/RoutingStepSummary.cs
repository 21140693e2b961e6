namespace Opportunity.Routing;

/// <summary>
/// One rule of a decision in a <see cref="RoutingDecisionSummary"/>: its role, kind, description and
/// weight, the candidates it saw and left, its note, and — for filters — the removals grouped by reason
/// (at most <see cref="RoutingDecisionSummary.MaxReasonsPerStep"/> groups; <see cref="Removed"/> counts all).
/// </summary>
/// <param name="Role">Source, filter, scorer or selector.</param>
/// <param name="Kind">The rule kind, e.g. <c>capacity</c>.</param>
/// <param name="Description">The rule with its parameters.</param>
/// <param name="Weight">The scorer's weight (four decimals); 0 for other steps.</param>
/// <param name="CandidatesBefore">Candidates entering the step (the source: partners in the network).</param>
/// <param name="CandidatesAfter">Candidates leaving the step (the selector: partners picked).</param>
/// <param name="Note">What the step says as a whole; empty when nothing.</param>
/// <param name="Removals">Filters: the removals grouped by reason, first seen first; empty otherwise.</param>
public sealed record RoutingStepSummary(RoutingStepRole Role, string Kind, string Description, double Weight, int CandidatesBefore, int CandidatesAfter, string Note, IReadOnlyList<RoutingRemovalSummary> Removals)
{
    /// <summary>Candidates a filter removed (before − after); 0 for other roles.</summary>
    public int Removed => Role == RoutingStepRole.Filter ? Math.Max(0, CandidatesBefore - CandidatesAfter) : 0;

    /// <inheritdoc />
    public bool Equals(RoutingStepSummary? other) =>
        other is not null && Role == other.Role && Kind == other.Kind && Description == other.Description && Weight.Equals(other.Weight)
        && CandidatesBefore == other.CandidatesBefore && CandidatesAfter == other.CandidatesAfter && Note == other.Note && Removals.SequenceEqual(other.Removals);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Role, Kind, CandidatesBefore, CandidatesAfter, Removals.Count);
}
