using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Forecasting;

/// <summary>Sizes of the generated network used by the forecasting benchmarks.</summary>
public enum NetworkSize
{
    /// <summary>1,000 partners, 100,000 open opportunities.</summary>
    Small,

    /// <summary>10,000 partners, 1,000,000 open opportunities.</summary>
    Medium,

    /// <summary>100,000 partners, 10,000,000 open opportunities.</summary>
    Large,

    /// <summary>1,000,000 partners, 10,000,000 open opportunities: a long tail of partners with a few deals each.</summary>
    LongTail,
}

internal static class ForecastBenchmarkData
{
    public static PartnerNetworkSpec Spec(NetworkSize size) => size switch
    {
        NetworkSize.Small => PartnerNetworkSpec.Small,
        NetworkSize.Medium => PartnerNetworkSpec.Medium,
        NetworkSize.LongTail => PartnerNetworkSpec.Large with { Partners = 1_000_000 },
        _ => PartnerNetworkSpec.Large,
    };

    /// <summary>The same deals as domain objects of a hand-written CRM.</summary>
    public static CrmOpportunity[] CrmObjects(PartnerNetwork network)
    {
        var result = new CrmOpportunity[network.OpportunityCount];
        var i = 0;
        foreach (var o in network.Opportunities())
        {
            result[i++] = new CrmOpportunity
            {
                Id = o.Id,
                PartnerId = o.Partner.Value,
                Stage = o.Stage.Name,
                Currency = o.Amount.Currency.Code,
                Amount = o.Amount.Amount,
                Probability = o.Probability.Value,
                ForecastCategory = o.Category.ToString(),
                ExpectedClose = new DateOnly(o.ExpectedClose.Year, o.ExpectedClose.Month, o.ExpectedClose.Day),
                Region = o.Region,
                ProductLine = o.ProductLine,
            };
        }

        return result;
    }

    /// <summary>Throws unless the LINQ result and the snapshot's totals agree to the cent, group by group.</summary>
    /// <summary>The baseline every comparison uses: what a CRM developer writes by hand, LINQ over objects with decimal arithmetic.</summary>
    public static List<(string Partner, string Stage, string Currency, int Count, decimal Amount, decimal Weighted)> LinqPartnerByStage(IEnumerable<CrmOpportunity> crm) =>
        crm.GroupBy(o => (o.PartnerId, o.Stage, o.Currency))
            .Select(g => (g.Key.PartnerId, g.Key.Stage, g.Key.Currency, g.Count(), g.Sum(o => o.Amount), g.Sum(o => o.Amount * o.Probability)))
            .ToList();

    public static void CheckEqual(IReadOnlyList<(string Partner, string Stage, string Currency, int Count, decimal Amount, decimal Weighted)> linq, PipelineTotals totals)
    {
        var expected = linq.ToDictionary(g => (g.Partner, g.Stage, g.Currency));
        if (expected.Count != totals.Groups.Count)
        {
            throw new InvalidOperationException($"LINQ found {expected.Count} groups, the snapshot {totals.Groups.Count}.");
        }

        foreach (var g in totals.Groups)
        {
            var e = expected[(g.First!, g.Second!, g.Currency.Code)];
            var weighted = decimal.Round(e.Weighted, g.Currency.MinorUnitDigits, MidpointRounding.ToEven);
            if (e.Count != g.Count || e.Amount != g.Amount.Amount || weighted != g.WeightedAmount.Amount)
            {
                throw new InvalidOperationException($"Group {g.Key} {g.Currency}: LINQ {e.Count}/{e.Amount}/{weighted}, snapshot {g.Count}/{g.Amount.Amount}/{g.WeightedAmount.Amount}.");
            }
        }
    }
}
