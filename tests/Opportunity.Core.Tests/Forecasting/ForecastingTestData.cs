using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

/// <summary>Seeded pipeline rows and the plain decimal recompute every grouping is checked against.</summary>
internal static class ForecastingTestData
{
    public static readonly CurrencyCode[] Currencies = [CurrencyCode.EUR, CurrencyCode.USD, CurrencyCode.JPY];
    public static readonly string[] Regions = ["DE-South", "FR", "UK"];
    public static readonly string[] Products = ["heat-pumps", "solar"];

    public static List<PipelineRow> Rows(int seed, int count, int partners, bool hugeAmounts = false)
    {
        var random = new Random(seed);
        var stages = PipelineDefinition.Default.Stages;
        var rows = new List<PipelineRow>(count);
        for (var i = 0; i < count; i++)
        {
            var stage = stages[random.Next(stages.Count - 1)]; // any stage but Closed lost
            var currency = Currencies[random.Next(Currencies.Length)];
            var minor = hugeAmounts ? ExactMathLimit - random.Next(1000) : random.NextInt64(0, 5_000_000_00);
            var amount = Money.FromMinorUnits(minor, currency);
            var probability = random.Next(5) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : stage.DefaultProbability;
            var category = random.Next(20) == 0 ? (ForecastCategory)random.Next(5) : stage.ForecastCategory;
            rows.Add(new PipelineRow(new PartnerId($"P{random.Next(partners):D4}"), amount, stage.Name, probability, category, new LocalDate(2025, 1, 1).PlusDays(random.Next(540)))
            {
                Region = random.Next(4) == 0 ? null : Regions[random.Next(Regions.Length)],
                ProductLine = random.Next(3) == 0 ? null : Products[random.Next(Products.Length)],
            });
        }

        return rows;
    }

    /// <summary>The largest amount a pipeline row accepts, in minor units.</summary>
    public const long ExactMathLimit = long.MaxValue / Probability.Scale;

    /// <summary>The label a row has in a dimension, as the snapshot writes it.</summary>
    public static string Label(PipelineRow row, PipelineDimension dimension, FiscalCalendar calendar) => dimension switch
    {
        PipelineDimension.Partner => row.Partner.Value,
        PipelineDimension.Stage => row.Stage,
        PipelineDimension.ForecastCategory => row.Category.ToString(),
        PipelineDimension.Region => row.Region ?? "(none)",
        PipelineDimension.ProductLine => row.ProductLine ?? "(none)",
        PipelineDimension.CloseMonth => calendar.MonthOf(row.CloseDate).Label,
        PipelineDimension.CloseQuarter => calendar.QuarterOf(row.CloseDate).Label,

        // These rows have no lines; products are checked against PipelineCredits.ByProduct (PipelineCreditsTests).
        PipelineDimension.Product => row.Products is { Count: > 0 } ? throw new ArgumentException("Rows with products are not recomputed here.", nameof(row)) : "(none)",
        _ => calendar.YearOf(row.CloseDate).Label,
    };

    /// <summary>What a careful hand-written recompute gives: decimal sums per (labels, currency), the weighted sum rounded once.</summary>
    public static Dictionary<(string?, string?, string), (long Count, decimal Amount, decimal Weighted)> Recompute(IEnumerable<PipelineRow> rows, PipelineGrouping grouping, FiscalCalendar calendar) =>
        rows.GroupBy(r => (
                grouping.First is { } f ? Label(r, f, calendar) : null,
                grouping.Second is { } s ? Label(r, s, calendar) : null,
                r.Amount.Currency.Code))
            .ToDictionary(
                g => g.Key,
                g => ((long)g.Count(), g.Sum(r => r.Amount.Amount), decimal.Round(g.Sum(r => r.Amount.Amount * r.Probability.Value), g.First().Amount.Currency.MinorUnitDigits, MidpointRounding.ToEven)));

    public static void AssertMatches(Dictionary<(string?, string?, string), (long Count, decimal Amount, decimal Weighted)> expected, PipelineTotals totals)
    {
        Assert.Equal(expected.Count, totals.Groups.Count);
        foreach (var g in totals.Groups)
        {
            var e = expected[(g.First, g.Second, g.Currency.Code)];
            Assert.Equal(e.Count, g.Count);
            Assert.Equal(e.Amount, g.Amount.Amount);
            Assert.Equal(e.Weighted, g.WeightedAmount.Amount);
        }
    }

    public static IEnumerable<(long Count, Int128 Amount, Int128 Weighted, string Key, string Currency)> Exact(PipelineTotals totals) =>
        totals.Groups.Select(g => (g.Count, g.AmountMinorUnits, g.Weighted.Scaled, g.Key, g.Currency.Code));

    public static readonly PipelineGrouping[] AllGroupings =
    [
        PipelineGrouping.Total,
        .. Enum.GetValues<PipelineDimension>().Select(PipelineGrouping.By),
        .. Enum.GetValues<PipelineDimension>().SelectMany(a => Enum.GetValues<PipelineDimension>().Where(b => b != a).Select(b => PipelineGrouping.By(a, b))),
    ];
}
