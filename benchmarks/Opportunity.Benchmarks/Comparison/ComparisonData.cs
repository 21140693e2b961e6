using Opportunity.Forecasting;
using Opportunity.Testing.Data;

namespace Opportunity.Benchmarks.Comparison;

/// <summary>One partner × stage × currency group in a form every contender can be converted to: exact integers.</summary>
/// <param name="WeightedScaled">Σ amount × probability in minor units × basis points (exact, before the single rounding).</param>
internal readonly record struct ExactGroup(string Partner, string Stage, string Currency, long Count, Int128 AmountMinor, Int128 WeightedScaled);

/// <summary>The rows every contender reads, and the check that their answers agree before timing.</summary>
internal static class ComparisonData
{
    /// <summary>Environment variable selecting the row counts, e.g. <c>100000</c> for the CI smoke run.</summary>
    public const string RowsVariable = "OPPORTUNITY_BENCH_ROWS";

    /// <summary>10^5, 10^6 and 10^7 rows unless <see cref="RowsVariable"/> names others (comma-separated).</summary>
    public static IEnumerable<int> RowCounts() =>
        Environment.GetEnvironmentVariable(RowsVariable) is { Length: > 0 } value
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)
            : [100_000, 1_000_000, 10_000_000];

    /// <summary>The network of <paramref name="rows"/> open deals in rows ÷ 100 partners (10^7 rows → 100,000 partners, as the issue sets it).</summary>
    public static PartnerNetwork Network(int rows) =>
        PartnerNetwork.Generate(new PartnerNetworkSpec { Partners = Math.Max(1, rows / 100), OpenOpportunities = rows });

    /// <summary>The snapshot's partner × stage groups as exact integers.</summary>
    public static List<ExactGroup> FromSnapshot(PipelineSnapshot snapshot)
    {
        using var totals = snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
        return [.. totals.Groups.Select(g => new ExactGroup(g.First!, g.Second!, g.Currency.Code, g.Count, g.AmountMinorUnits, g.Weighted.Scaled))];
    }

    /// <summary>Decimal sums (amount in major units, weighted = Σ amount × probability, unrounded) as exact integers.</summary>
    public static ExactGroup FromDecimals(string partner, string stage, string currency, long count, decimal amount, decimal weighted)
    {
        var digits = new Opportunity.CurrencyCode(currency).MinorUnitDigits;
        return new ExactGroup(partner, stage, currency, count, ToExact(amount, digits), ToExact(weighted, digits + 4));
    }

    /// <summary>Throws unless <paramref name="actual"/> has exactly the groups of <paramref name="expected"/> with equal count, amount and weighted sum (exact, so equal to the cent after rounding).</summary>
    public static void CheckEqual(string contender, IReadOnlyCollection<ExactGroup> expected, IEnumerable<ExactGroup> actual)
    {
        var byKey = expected.ToDictionary(g => (g.Partner, g.Stage, g.Currency));
        var seen = 0;
        foreach (var g in actual)
        {
            seen++;
            if (!byKey.TryGetValue((g.Partner, g.Stage, g.Currency), out var e) || e != g)
            {
                throw new InvalidOperationException($"{contender}: group {g} differs from the snapshot's {e}.");
            }
        }

        if (seen != expected.Count)
        {
            throw new InvalidOperationException($"{contender}: {seen} groups, the snapshot has {expected.Count}.");
        }

        Console.WriteLine($"// {contender} agrees exactly with the snapshot on all {seen:N0} partner × stage × currency groups");
    }

    private static Int128 ToExact(decimal value, int scale)
    {
        var scaled = value * Pow10(scale);
        if (scaled != decimal.Truncate(scaled))
        {
            throw new InvalidOperationException($"{value} has more than {scale} decimals.");
        }

        return (Int128)scaled;
    }

    private static decimal Pow10(int n)
    {
        var r = 1m;
        for (var i = 0; i < n; i++)
        {
            r *= 10m;
        }

        return r;
    }
}
