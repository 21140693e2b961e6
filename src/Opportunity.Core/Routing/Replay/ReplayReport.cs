using System.Globalization;
using System.Text;

namespace Opportunity.Routing.Replay;

/// <summary>
/// The outcome of routing historical leads through a (draft) rule set: the distribution per
/// partner, the unroutable count by cause, and the capacity pressure. Nothing was written anywhere.
/// </summary>
public sealed class ReplayReport
{
    internal ReplayReport(string ruleSet, int leads, int assigned, int broadcast, int unroutable, IReadOnlyList<PartnerReplayStats> partners, IReadOnlyDictionary<string, int> unroutableByRule, IReadOnlyDictionary<string, int> removalsByRule, int decisionsLimitedByCapacity, IReadOnlyList<RoutingDecision> decisions)
    {
        RuleSet = ruleSet;
        Leads = leads;
        Assigned = assigned;
        Broadcast = broadcast;
        Unroutable = unroutable;
        Partners = partners;
        UnroutableByRule = unroutableByRule;
        RemovalsByRule = removalsByRule;
        DecisionsLimitedByCapacity = decisionsLimitedByCapacity;
        Decisions = decisions;
    }

    /// <summary>The rule set replayed.</summary>
    public string RuleSet { get; }

    /// <summary>Leads replayed.</summary>
    public int Leads { get; }

    /// <summary>Leads assigned to one partner (fallback included).</summary>
    public int Assigned { get; }

    /// <summary>Leads broadcast to several partners.</summary>
    public int Broadcast { get; }

    /// <summary>Leads nobody qualified for (they would go to the manufacturer's queue).</summary>
    public int Unroutable { get; }

    /// <summary>Per partner that received leads or hit capacity, most leads first.</summary>
    public IReadOnlyList<PartnerReplayStats> Partners { get; }

    /// <summary>Unroutable leads by the rule kind that left no candidate.</summary>
    public IReadOnlyDictionary<string, int> UnroutableByRule { get; }

    /// <summary>Candidates removed per filter kind, over all leads.</summary>
    public IReadOnlyDictionary<string, int> RemovalsByRule { get; }

    /// <summary>Capacity pressure: decisions in which the capacity rule removed at least one candidate.</summary>
    public int DecisionsLimitedByCapacity { get; }

    /// <summary>Every decision, in replay order (empty when <see cref="ReplayOptions.KeepDecisions"/> was off).</summary>
    public IReadOnlyList<RoutingDecision> Decisions { get; }

    /// <summary>The report as a text table.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"Replay of rule set '{RuleSet}': {Leads} leads, {Assigned} assigned, {Broadcast} broadcast, {Unroutable} unroutable").AppendLine();
        text.Append(inv, $"Capacity pressure: capacity removed candidates in {DecisionsLimitedByCapacity} decisions").AppendLine();
        foreach (var (rule, count) in UnroutableByRule.OrderByDescending(kv => kv.Value))
        {
            text.Append(inv, $"  unroutable at {rule}: {count}").AppendLine();
        }

        text.AppendLine("partner                 leads   share  capacity  peak open  at capacity");
        foreach (var p in Partners)
        {
            text.Append(inv, $"{p.Partner,-22} {p.Assigned,6} {p.Share,7:P1} {(p.Capacity is { } c ? c.ToString(inv) : "∞"),9} {p.PeakOpenLeads,10} {p.TimesAtCapacity,12}").AppendLine();
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Format();
}
