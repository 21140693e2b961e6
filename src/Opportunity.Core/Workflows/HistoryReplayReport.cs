using System.Globalization;
using System.Text;
using Opportunity.Routing;
using Opportunity.Routing.Replay;

namespace Opportunity.Workflows;

/// <summary>What <see cref="RoutingHistoryReplay"/> found: per lead the old and the draft partner, and totals.</summary>
public sealed class HistoryReplayReport
{
    internal HistoryReplayReport(IReadOnlyList<HistoryReplayLead> leads, ReplayReport draft)
    {
        Leads = leads;
        Draft = draft;
    }

    /// <summary>Every replayed lead, in the order it was first routed.</summary>
    public IReadOnlyList<HistoryReplayLead> Leads { get; }

    /// <summary>The draft's own replay report (per-partner counts, capacity, unroutable by rule).</summary>
    public ReplayReport Draft { get; }

    /// <summary>Leads the draft sends to the same partner (or leaves unroutable again).</summary>
    public int Same => Leads.Count(l => !l.Changed);

    /// <summary>Leads the draft routes differently.</summary>
    public int Changed => Leads.Count(l => l.Changed);

    /// <summary>Leads that were unroutable and the draft routes.</summary>
    public int NowRoutable => Leads.Count(l => l.OldOutcome == RoutingOutcome.Unroutable && l.DraftOutcome != RoutingOutcome.Unroutable);

    /// <summary>Leads that were routed and the draft leaves unroutable.</summary>
    public int NowUnroutable => Leads.Count(l => l.OldOutcome != RoutingOutcome.Unroutable && l.DraftOutcome == RoutingOutcome.Unroutable);

    /// <summary>Per partner: leads it got then and leads it gets from the draft, ordered by partner id.</summary>
    public IReadOnlyList<(PartnerId Partner, int Old, int Draft)> ByPartner =>
        [.. Leads.Select(l => l.OldPartner).Concat(Leads.Select(l => l.DraftPartner)).OfType<PartnerId>().Distinct().OrderBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => (p, Leads.Count(l => l.OldPartner == p), Leads.Count(l => l.DraftPartner == p)))];

    /// <summary>The report as text: totals, the changed leads (at most <paramref name="maxLeads"/>), and per-partner counts.</summary>
    public string Format(int maxLeads = 50)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(string.Create(c, $"{Leads.Count} leads replayed: {Same} same, {Changed} changed ({NowRoutable} now routable, {NowUnroutable} now unroutable)"));
        foreach (var lead in Leads.Where(l => l.Changed).Take(maxLeads))
        {
            text.AppendLine(string.Create(c, $"  {lead.Lead}: {lead.OldPartner?.Value ?? "(unroutable)"} [{lead.OldRuleSet}] -> {lead.DraftPartner?.Value ?? "(unroutable)"} [{lead.DraftRuleSet}]"));
        }

        foreach (var (partner, old, draft) in ByPartner)
        {
            text.AppendLine(string.Create(c, $"  {partner,-12}{old,6} -> {draft,6}"));
        }

        return text.ToString();
    }
}
