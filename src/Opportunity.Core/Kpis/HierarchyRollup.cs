using Opportunity.Forecasting;
using Opportunity.Partners;

namespace Opportunity.Kpis;

/// <summary>
/// Rolls per-partner figures up a <see cref="PartnerHierarchy"/>: each partner's line holds its own
/// figures plus those of every partner below it, so a distributor's line is its whole network.
/// Built on the public grouping results (<see cref="PipelineTotals"/> grouped by partner,
/// <see cref="PartnerKpiReport"/>); sums stay exact and are rounded once, where they are read.
/// </summary>
public static class HierarchyRollup
{
    /// <summary>
    /// The pipeline of each partner's subtree, one line per partner that has deals in its subtree and
    /// currency (<see cref="PipelineGroupTotal.First"/> = the partner's id), ordered by partner id then
    /// currency; pass <paramref name="roots"/> = true for one line per root only (the distributor roll-up).
    /// </summary>
    /// <param name="byPartner">Totals grouped by <see cref="PipelineDimension.Partner"/> alone.</param>
    /// <param name="hierarchy">The tenant's partner tree.</param>
    /// <param name="roots">Only the roots (distributors and partners served directly).</param>
    /// <exception cref="ArgumentException"><paramref name="byPartner"/> is not grouped by partner alone, or names a partner not in <paramref name="hierarchy"/>.</exception>
    public static IReadOnlyList<PipelineGroupTotal> Pipeline(PipelineTotals byPartner, PartnerHierarchy hierarchy, bool roots = false)
    {
        ArgumentNullException.ThrowIfNull(byPartner);
        ArgumentNullException.ThrowIfNull(hierarchy);
        if (byPartner.Grouping != PipelineGrouping.By(PipelineDimension.Partner))
        {
            throw new ArgumentException($"The totals must be grouped by partner alone, not {byPartner.Grouping}.", nameof(byPartner));
        }

        var sums = new Dictionary<(PartnerId Partner, CurrencyCode Currency), PipelineGroupTotal>();
        foreach (var group in byPartner.Groups)
        {
            var partner = new PartnerId(group.First!);
            if (!hierarchy.Contains(partner))
            {
                throw new ArgumentException($"Partner '{partner}' of the totals is not in the hierarchy.", nameof(byPartner));
            }

            foreach (var line in roots ? [hierarchy.Root(partner)] : hierarchy.Ancestors(partner).Prepend(partner))
            {
                var key = (line, group.Currency);
                sums[key] = sums.TryGetValue(key, out var sum)
                    ? sum with { Count = sum.Count + group.Count, AmountMinorUnits = sum.AmountMinorUnits + group.AmountMinorUnits, Weighted = sum.Weighted + group.Weighted }
                    : group with { First = line.Value };
            }
        }

        return [.. sums.Values.OrderBy(t => t.First, StringComparer.Ordinal).ThenBy(t => t.Currency.Code, StringComparer.Ordinal)];
    }

    /// <summary>The KPIs of each partner's subtree in <paramref name="report"/>, ordered by partner id; pass <paramref name="roots"/> = true for the roots only.</summary>
    /// <exception cref="ArgumentException">The report names a partner not in <paramref name="hierarchy"/>.</exception>
    public static IReadOnlyList<PartnerNetworkKpis> Kpis(PartnerKpiReport report, PartnerHierarchy hierarchy, bool roots = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(hierarchy);
        var sums = new SortedDictionary<string, PartnerNetworkKpis>(StringComparer.Ordinal);
        foreach (var kpis in report.Partners)
        {
            if (!hierarchy.Contains(kpis.Partner))
            {
                throw new ArgumentException($"Partner '{kpis.Partner}' of the report is not in the hierarchy.", nameof(report));
            }

            foreach (var line in roots ? [hierarchy.Root(kpis.Partner)] : hierarchy.Ancestors(kpis.Partner).Prepend(kpis.Partner))
            {
                sums[line.Value] = sums.TryGetValue(line.Value, out var sum) ? sum.Add(kpis) : PartnerNetworkKpis.Of(line, kpis);
            }
        }

        return [.. sums.Values];
    }
}
