using System.Globalization;
using System.Text;
using NodaTime;

namespace Opportunity.Routing;

/// <summary>
/// The result of routing one lead: the partner (or broadcast partners), or Unroutable with the
/// reason, plus the full <see cref="Trace"/> and the <see cref="Seed"/> that reproduce it.
/// <see cref="Format"/> prints it for humans (the sample's <c>explain</c> command).
/// </summary>
public sealed class RoutingDecision
{
    private static readonly PartnerId[] NoPartners = [];

    internal RoutingDecision(RoutingRequest request, RoutingRuleSet ruleSet, RoutingOutcome outcome, PartnerId[] partners, bool usedFallback, int unroutableStep, int networkSize, RoutingTrace trace)
    {
        Lead = request.Lead;
        At = request.Now;
        Seed = request.Seed;
        RuleSet = ruleSet.Name;
        RuleSetVersion = ruleSet.Version;
        Outcome = outcome;
        Partners = partners.Length == 0 ? NoPartners : partners;
        UsedFallback = usedFallback;
        UnroutableStep = unroutableStep;
        NetworkSize = networkSize;
        Trace = trace;
    }

    /// <summary>The lead routed.</summary>
    public LeadId Lead { get; }

    /// <summary>When the decision was made.</summary>
    public Instant At { get; }

    /// <summary>The seed of the decision's random choices.</summary>
    public long Seed { get; }

    /// <summary>The rule set's name.</summary>
    public string RuleSet { get; }

    /// <summary>The rule set's version, if it has one.</summary>
    public string? RuleSetVersion { get; }

    /// <summary>Assigned, Broadcast or Unroutable.</summary>
    public RoutingOutcome Outcome { get; }

    /// <summary>The picked partner (the best ranked one for a broadcast); null when unroutable.</summary>
    public PartnerId? Partner => Partners.Count > 0 ? Partners[0] : null;

    /// <summary>Every picked partner, best first; empty when unroutable.</summary>
    public IReadOnlyList<PartnerId> Partners { get; }

    /// <summary>True when no candidate survived and the rule set's fallback partner was taken.</summary>
    public bool UsedFallback { get; }

    /// <summary>Partners in the network when the decision was made.</summary>
    public int NetworkSize { get; }

    /// <summary>The trace.</summary>
    public RoutingTrace Trace { get; }

    /// <summary>The rule kind that left no candidate (e.g. <c>capacity</c>); null unless unroutable.</summary>
    public string? UnroutableAt => UnroutableStep >= 0 ? Trace.Steps[UnroutableStep].Kind : null;

    /// <summary>Why nobody was picked, in a sentence; null unless unroutable (or the fallback was used).</summary>
    public string? UnroutableReason => UnroutableStep >= 0 ? DescribeUnroutable() : null;

    internal int UnroutableStep { get; }

    /// <summary>The decision and its trace as text: each rule, removed partners with reasons, scores, the pick and the seed.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"Routing of lead {Lead} with rule set '{RuleSet}'");
        if (RuleSetVersion is not null)
        {
            text.Append(inv, $" (version {RuleSetVersion})");
        }

        text.Append(inv, $" at {At}, seed {Seed}").AppendLine();
        for (var i = 0; i < Trace.Steps.Count; i++)
        {
            var step = Trace.Steps[i];
            var role = step.Role.ToString().ToLowerInvariant();
            var weight = step.Role == RoutingStepRole.Scorer ? string.Create(inv, $" ×{step.Weight:0.###}") : string.Empty;
            text.Append(inv, $"{i + 1,3}. {role,-8} {step.Description}{weight}: {step.CandidatesBefore} → {step.CandidatesAfter}");
            if (!step.Note.IsEmpty)
            {
                text.Append(" — ").Append(step.Note.ToString());
            }

            text.AppendLine();
            IEnumerable<RoutingTraceEntry> entries = step.Role == RoutingStepRole.Scorer
                ? step.Entries.OrderByDescending(e => e.Value).ThenBy(e => e.Partner.Id)
                : step.Entries;
            foreach (var entry in entries)
            {
                var detail = step.Role switch
                {
                    RoutingStepRole.Filter => "removed: " + entry.Note,
                    RoutingStepRole.Scorer => string.Create(inv, $"score {entry.Value:0.####}"),
                    _ => string.Create(inv, $"picked, total score {entry.Value:0.####}"),
                };
                text.Append(inv, $"       {entry.Partner.Id} ({entry.Partner.Name}): {detail}").AppendLine();
            }
        }

        text.Append("Result: ");
        text.Append(Outcome switch
        {
            RoutingOutcome.Assigned when UsedFallback => $"assigned to fallback partner {Partner} ({UnroutableReason})",
            RoutingOutcome.Assigned => $"assigned to {Partner}",
            RoutingOutcome.Broadcast => $"broadcast to {string.Join(", ", Partners)}",
            _ => $"unroutable at '{UnroutableAt}': {UnroutableReason} → manufacturer queue",
        });
        return text.AppendLine().ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Format();

    private string DescribeUnroutable()
    {
        var step = Trace.Steps[UnroutableStep];
        if (step.Role == RoutingStepRole.Source)
        {
            return step.Note.IsEmpty ? "no partner in the network" : step.Note.ToString();
        }

        if (step.Role == RoutingStepRole.Selector)
        {
            return $"the selector picked nobody: {step.Note}";
        }

        var removals = Trace.Steps
            .Where(s => s.Role == RoutingStepRole.Filter && s.Entries.Count > 0)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {s.Entries.Count}"));
        var found = Trace.Steps[0].CandidatesAfter;
        return string.Create(CultureInfo.InvariantCulture, $"all {found} candidate(s) were removed ({string.Join(", ", removals)})");
    }
}
