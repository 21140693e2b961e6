using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// A period's deals by forecast category and the cumulative forecast views, as in Salesforce:
/// <c>Closed</c> (won), <c>Commit forecast</c> = Closed + Commit, <c>Best-case forecast</c> =
/// Closed + Commit + Best case; Pipeline is shown but not forecast, Omitted is left out. The
/// cumulative figures are computed from the exact sums of their categories (converted once,
/// rounded once), not by adding the rounded lines.
/// </summary>
public sealed record ForecastRollup
{
    /// <summary>The period.</summary>
    public required ForecastPeriod Period { get; init; }

    /// <summary>The reporting currency.</summary>
    public required CurrencyCode Currency { get; init; }

    /// <summary>One line per category, in declaration order (all five, zero when empty).</summary>
    public required IReadOnlyList<ForecastCategoryLine> Categories { get; init; }

    /// <summary>Closed (won) amount.</summary>
    public required Money Closed { get; init; }

    /// <summary>Closed + Commit amounts.</summary>
    public required Money CommitForecast { get; init; }

    /// <summary>Closed + Commit + Best case amounts: the period rollup.</summary>
    public required Money BestCaseForecast { get; init; }

    /// <summary>The line of one category.</summary>
    public ForecastCategoryLine this[ForecastCategory category] => Categories.First(c => c.Category == category);

    /// <summary>Computes the rollup of the deals of <paramref name="snapshot"/> closing in <paramref name="period"/>, at corporate rates.</summary>
    /// <param name="snapshot">Build it with <see cref="PipelineSnapshotOptions.IncludeClosedWon"/> so won deals count as Closed.</param>
    /// <param name="period">The period.</param>
    /// <param name="currency">The reporting currency.</param>
    /// <param name="rates">Exchange rates for foreign currencies.</param>
    /// <param name="asOf">Rate date; default the period's last day.</param>
    /// <param name="filter">Further selection (partner, region, product line).</param>
    public static ForecastRollup Compute(PipelineSnapshot snapshot, ForecastPeriod period, CurrencyCode currency, IExchangeRateProvider? rates = null, LocalDate? asOf = null, PipelineFilter? filter = null) =>
        Compute(snapshot, period, currency, rates, ExchangeRateDating.Corporate, asOf, filter);

    /// <summary>Computes the rollup of the deals of <paramref name="snapshot"/> closing in <paramref name="period"/>, with the rate dating chosen explicitly.</summary>
    /// <param name="snapshot">Build it with <see cref="PipelineSnapshotOptions.IncludeClosedWon"/> so won deals count as Closed.</param>
    /// <param name="period">The period.</param>
    /// <param name="currency">The reporting currency.</param>
    /// <param name="rates">Exchange rates for foreign currencies.</param>
    /// <param name="dating">Corporate (one rate per currency on <paramref name="asOf"/>) or each deal at its close month's rate.</param>
    /// <param name="asOf">Corporate rate date; default the period's last day. Not used with <see cref="ExchangeRateDating.CloseMonth"/>.</param>
    /// <param name="filter">Further selection (partner, region, product line).</param>
    public static ForecastRollup Compute(PipelineSnapshot snapshot, ForecastPeriod period, CurrencyCode currency, IExchangeRateProvider? rates, ExchangeRateDating dating, LocalDate? asOf = null, PipelineFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var inPeriod = snapshot.Filter((filter ?? new PipelineFilter()) with { Period = period });
        var date = asOf ?? period.LastDay;
        var byCategory = inPeriod.Report(PipelineGrouping.By(PipelineDimension.ForecastCategory), currency, rates, dating, date);
        var lines = Enum.GetValues<ForecastCategory>().Select(category =>
            byCategory.Groups.FirstOrDefault(l => l.Key == category.ToString()) is { } line
                ? new ForecastCategoryLine(category, line.Count, line.Amount, line.Weighted)
                : new ForecastCategoryLine(category, 0, Money.Zero(currency), Money.Zero(currency))).ToList();
        Money Sum(params ForecastCategory[] categories) =>
            inPeriod.Filter(new PipelineFilter { Categories = categories }).Report(PipelineGrouping.Total, currency, rates, dating, date).Total.Amount;
        return new ForecastRollup
        {
            Period = period,
            Currency = currency,
            Categories = lines,
            Closed = Sum(ForecastCategory.Closed),
            CommitForecast = Sum(ForecastCategory.Closed, ForecastCategory.Commit),
            BestCaseForecast = Sum(ForecastCategory.Closed, ForecastCategory.Commit, ForecastCategory.BestCase),
        };
    }
}
