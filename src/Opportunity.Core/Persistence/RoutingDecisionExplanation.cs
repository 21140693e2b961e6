using System.Globalization;
using System.Text;
using Opportunity.Routing;

namespace Opportunity.Persistence;

/// <summary>
/// Prints a stored decision from its <see cref="RoutingDecisionSummary"/>: the same header, rule
/// lines and result line as <see cref="RoutingDecision.Format"/>, filters with their removals
/// grouped by reason, and a table of the best candidates with each scorer's score.
/// </summary>
internal static class RoutingDecisionExplanation
{
    public static string Format(RoutingDecisionRecord record, RoutingDecisionSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder(512);
        text.Append(inv, $"Routing of lead {record.Lead} with rule set '{record.RuleSet}'");
        if (record.RuleSetVersion is not null)
        {
            text.Append(inv, $" (version {record.RuleSetVersion})");
        }

        text.Append(inv, $" at {record.At}, seed {record.Seed}").AppendLine();
        var scorers = new List<string>();
        for (var i = 0; i < summary.Steps.Count; i++)
        {
            var step = summary.Steps[i];
            var role = step.Role.ToString().ToLowerInvariant();
            var weight = step.Role == RoutingStepRole.Scorer ? string.Create(inv, $" ×{step.Weight:0.###}") : string.Empty;
            text.Append(inv, $"{i + 1,3}. {role,-8} {step.Description}{weight}: {step.CandidatesBefore} → {step.CandidatesAfter}");
            if (step.Note.Length > 0)
            {
                text.Append(" — ").Append(step.Note);
            }

            text.AppendLine();
            if (step.Role == RoutingStepRole.Scorer)
            {
                scorers.Add(step.Kind);
            }

            var explained = 0;
            foreach (var removal in step.Removals)
            {
                text.Append(inv, $"       {removal.Example}: removed: {removal.Reason}");
                if (removal.Count > 1)
                {
                    text.Append(inv, $" (and {removal.Count - 1} more for this reason)");
                }

                text.AppendLine();
                explained += removal.Count;
            }

            if (step.Removed > explained)
            {
                text.Append(inv, $"       … {step.Removed - explained} more removed for other reasons").AppendLine();
            }
        }

        if (summary.TopCandidates.Count > 0)
        {
            text.Append(inv, $"Top {summary.TopCandidates.Count} of {summary.CandidatesScored} candidate(s)");
            text.Append(scorers.Count > 0 ? string.Create(inv, $", total = Σ weight × score ({string.Join(", ", scorers)}):") : ":").AppendLine();
            for (var i = 0; i < summary.TopCandidates.Count; i++)
            {
                var candidate = summary.TopCandidates[i];
                text.Append(inv, $"{i + 1,5}. {candidate.Partner}: total {candidate.TotalScore:0.####}");
                if (candidate.Scores.Count > 0)
                {
                    text.Append(" (").AppendJoin(", ", candidate.Scores.Select(s => s.ToString("0.####", inv))).Append(')');
                }

                text.Append(candidate.Picked ? ", picked" : string.Empty).AppendLine();
            }
        }

        text.Append("Result: ");
        var first = record.Partners.Count > 0 ? record.Partners[0].ToString() : string.Empty;
        text.Append(record.Outcome switch
        {
            RoutingOutcome.Assigned when summary.UsedFallback => $"assigned to fallback partner {first} ({record.UnroutableReason})",
            RoutingOutcome.Assigned => $"assigned to {first}",
            RoutingOutcome.Broadcast => $"broadcast to {string.Join(", ", record.Partners)}",
            _ => $"unroutable at '{summary.UnroutableAt}': {record.UnroutableReason} → manufacturer queue",
        });
        return text.AppendLine().ToString();
    }
}
