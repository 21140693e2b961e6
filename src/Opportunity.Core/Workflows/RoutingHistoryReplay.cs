using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Routing.Replay;

namespace Opportunity.Workflows;

/// <summary>
/// Replays stored history through a draft: every routed lead of a tenant (from the lead store), in
/// the order it was first routed, goes through the draft rule sets against today's partners, and is
/// compared with the first decision the decision log kept for it (docs/routing.md, "Replay against
/// history"). Read-only: nothing is saved, logged or notified.
/// </summary>
public static class RoutingHistoryReplay
{
    /// <summary>Replays the tenant's routed leads through <paramref name="draft"/>.</summary>
    /// <param name="tenant">Whose history.</param>
    /// <param name="draft">The rule sets to try.</param>
    /// <param name="leads">The lead store (past leads).</param>
    /// <param name="log">The decision log (what happened).</param>
    /// <param name="partners">The partner directory (the network the draft routes in).</param>
    /// <param name="options">Replay options (load, lead lifetime); decisions are always kept.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<HistoryReplayReport> RunAsync(TenantId tenant, RoutingRuleSets draft, ILeadStore leads, IRoutingDecisionLog log, IPartnerDirectory partners, ReplayOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(partners);
        var network = new List<Partner>();
        await foreach (var partner in partners.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            network.Add(partner);
        }

        var history = new List<(Lead Lead, RoutingDecisionRecord First)>();
        await foreach (var lead in leads.QueryAsync(AccessScope.Manufacturer(tenant), new LeadQuery(), cancellationToken).ConfigureAwait(false))
        {
            var decisions = await log.ForLeadAsync(tenant, lead.Id, cancellationToken).ConfigureAwait(false);
            if (decisions.Count > 0)
            {
                history.Add((lead, decisions[0]));
            }
        }

        // As it happened: first decisions in time order, each with the instant and seed it had.
        history.Sort((a, b) => a.First.At != b.First.At ? a.First.At.CompareTo(b.First.At) : string.CompareOrdinal(a.Lead.Id.Value, b.Lead.Id.Value));
        var requests = history.Select(h => new RoutingRequest(h.Lead.Id, h.Lead.Details, h.First.At) { Seed = h.First.Seed });
        var replay = RoutingReplay.Run(draft, RoutingNetwork.Build(network), requests, (options ?? ReplayOptions.Default) with { KeepDecisions = true });
        var rows = history.Zip(replay.Decisions, (h, d) => new HistoryReplayLead(
            h.Lead.Id,
            h.First.RuleSet,
            h.First.Outcome,
            h.First.Partners.Count > 0 ? h.First.Partners[0] : null,
            d.RuleSet,
            d.Outcome,
            d.Partners.Count > 0 ? d.Partners[0] : null)).ToList();
        return new HistoryReplayReport(rows, replay);
    }
}
