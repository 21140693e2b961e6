using NodaTime;
using Opportunity.Routing.Rules;

namespace Opportunity.Routing.Replay;

/// <summary>
/// Dry run: routes a list of (historical) leads through a rule set in order, without side effects,
/// letting each assignment add load so capacity and round robin behave as they would have. This is
/// how a channel manager tests a draft rule set before switching it on.
/// </summary>
public static class RoutingReplay
{
    /// <summary>Replays <paramref name="leads"/> in the order given.</summary>
    public static ReplayReport Run(RoutingRuleSet ruleSet, RoutingNetwork network, IEnumerable<RoutingRequest> leads, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        return Run(RoutingRuleSets.Single(ruleSet), network, leads, options);
    }

    /// <summary>Replays <paramref name="leads"/> in the order given, each through the first of <paramref name="ruleSets"/> whose condition it meets.</summary>
    public static ReplayReport Run(RoutingRuleSets ruleSets, RoutingNetwork network, IEnumerable<RoutingRequest> leads, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ruleSets);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(leads);
        options ??= ReplayOptions.Default;
        var load = options.InitialLoad is null ? new PartnerLoadTable() : PartnerLoadTable.CopyOf(options.InitialLoad, network.Partners.Select(p => p.Id));
        var releases = new PriorityQueue<PartnerId, Instant>();
        var assigned = new Dictionary<PartnerId, int>();
        var peak = new Dictionary<PartnerId, int>();
        var atCapacity = new Dictionary<PartnerId, int>();
        var unroutableByRule = new Dictionary<string, int>(StringComparer.Ordinal);
        var removalsByRule = new Dictionary<string, int>(StringComparer.Ordinal);
        var decisions = new List<RoutingDecision>();
        int count = 0, single = 0, broadcast = 0, unroutable = 0, limited = 0;
        foreach (var request in leads)
        {
            ArgumentNullException.ThrowIfNull(request, nameof(leads));
            while (releases.TryPeek(out var partner, out var at) && at <= request.Now)
            {
                releases.Dequeue();
                load.RecordRelease(partner);
            }

            var decision = ruleSets.For(request.Details).Route(request, network, load, options.Performance);
            count++;
            if (options.KeepDecisions)
            {
                decisions.Add(decision);
            }

            foreach (var step in decision.Trace.Steps)
            {
                if (step.Role != RoutingStepRole.Filter || step.Entries.Count == 0)
                {
                    continue;
                }

                removalsByRule[step.Kind] = removalsByRule.GetValueOrDefault(step.Kind) + step.Entries.Count;
                if (step.Kind == CapacityRule.KindName)
                {
                    limited++;
                    foreach (var entry in step.Entries)
                    {
                        atCapacity[entry.Partner.Id] = atCapacity.GetValueOrDefault(entry.Partner.Id) + 1;
                    }
                }
            }

            switch (decision.Outcome)
            {
                case RoutingOutcome.Unroutable:
                    unroutable++;
                    unroutableByRule[decision.UnroutableAt!] = unroutableByRule.GetValueOrDefault(decision.UnroutableAt!) + 1;
                    continue;
                case RoutingOutcome.Broadcast:
                    broadcast++;
                    break;
                default:
                    single++;
                    break;
            }

            foreach (var partner in decision.Partners)
            {
                load.RecordAssignment(partner, request.Now);
                assigned[partner] = assigned.GetValueOrDefault(partner) + 1;
                peak[partner] = Math.Max(peak.GetValueOrDefault(partner), load.OpenLeads(partner));
                if (options.LeadsStayOpenFor is { } open)
                {
                    releases.Enqueue(partner, request.Now + open);
                }
            }
        }

        var routed = single + broadcast;
        var partners = assigned.Keys.Union(atCapacity.Keys)
            .Select(id => network.Find(id) is { } p
                ? new PartnerReplayStats(id, p.Name, assigned.GetValueOrDefault(id), routed == 0 ? 0 : assigned.GetValueOrDefault(id) / (double)routed, p.Capacity, peak.GetValueOrDefault(id), atCapacity.GetValueOrDefault(id))
                : new PartnerReplayStats(id, id.Value, assigned.GetValueOrDefault(id), routed == 0 ? 0 : assigned.GetValueOrDefault(id) / (double)routed, null, peak.GetValueOrDefault(id), 0))
            .OrderByDescending(s => s.Assigned).ThenBy(s => s.Partner)
            .ToList();
        return new ReplayReport(ruleSets.Entries.Count == 1 ? ruleSets.Otherwise.Name : string.Join(" | ", ruleSets.Entries.Select(e => e.RuleSet.Name)), count, single, broadcast, unroutable, partners, unroutableByRule, removalsByRule, limited, decisions);
    }
}
