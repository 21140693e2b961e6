using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// How good recorded forecasts were, once their period has closed: each snapshot's error against
/// the amount actually won, and over all snapshots the mean absolute percentage error, the bias
/// (mean signed error) and how often the actual result fell inside the P10–P90 band (a calibrated
/// forecast hits it about 80% of the time).
/// </summary>
public sealed record ForecastAccuracy
{
    /// <summary>The amount actually won in the period.</summary>
    public required Money Actual { get; init; }

    /// <summary>One line per snapshot, oldest first.</summary>
    public required IReadOnlyList<ForecastAccuracyLine> Lines { get; init; }

    /// <summary>Mean of |expected − actual| ÷ actual; null when nothing was won.</summary>
    public decimal? MeanAbsolutePercentageError => Lines.Count == 0 || Actual.Amount == 0m ? null : Lines.Average(l => l.AbsolutePercentageError!.Value);

    /// <summary>Mean of expected − actual: positive means the forecasts were optimistic.</summary>
    public Money Bias => Lines.Count == 0 ? Money.Zero(Actual.Currency) : Money.Round(Lines.Average(l => l.Error.Amount), Actual.Currency);

    /// <summary>Share of snapshots whose P10–P90 band contained the actual result.</summary>
    public double BandHitRate => Lines.Count == 0 ? 0 : Lines.Count(l => l.WithinBand) / (double)Lines.Count;

    /// <summary>Measures <paramref name="snapshots"/> of one period against the amount won.</summary>
    /// <exception cref="ArgumentException">Snapshots of different periods or currencies than <paramref name="actual"/>.</exception>
    public static ForecastAccuracy Evaluate(IEnumerable<ForecastSnapshot> snapshots, Money actual)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var list = snapshots.OrderBy(s => s.TakenOn).ToList();
        if (list.Select(s => s.Period).Distinct().Count() > 1)
        {
            throw new ArgumentException("Snapshots of more than one period; evaluate each period on its own.", nameof(snapshots));
        }

        if (list.Any(s => s.Currency != actual.Currency))
        {
            throw new ArgumentException($"Snapshots must be in {actual.Currency.Code}, the currency of the actual amount.", nameof(snapshots));
        }

        return new ForecastAccuracy
        {
            Actual = actual,
            Lines = [.. list.Select(s => new ForecastAccuracyLine(
                s.TakenOn,
                Period.Between(s.TakenOn, s.Period.End, PeriodUnits.Days).Days,
                s.Expected,
                s.Expected - actual,
                actual.Amount == 0m ? null : Math.Abs(s.Expected.Amount - actual.Amount) / actual.Amount,
                s.P10 <= actual && actual <= s.P90,
                s.CommitForecast - actual,
                s.BestCaseForecast - actual))],
        };
    }

    /// <summary>The amount won in <paramref name="period"/> according to a snapshot that includes closed-won deals.</summary>
    public static Money ActualWon(PipelineSnapshot pipeline, ForecastPeriod period, CurrencyCode currency, IExchangeRateProvider? rates = null, PartnerId? partner = null, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        using var totals = pipeline.Filter(new PipelineFilter { Period = period, Partner = partner, Region = region, Won = true }).Total();
        return totals.ToReport(currency, rates, period.LastDay).Total.Amount;
    }
}
