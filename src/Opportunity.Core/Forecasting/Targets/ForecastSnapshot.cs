using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// What the forecast of a period said on a date: expected value, P10/P50/P90 and the amount per
/// forecast category. Record one regularly (e.g. every Monday) with <see cref="Take"/>; once the
/// period has closed, <see cref="ForecastAccuracy"/> measures each snapshot against what was won.
/// </summary>
public sealed record ForecastSnapshot
{
    /// <summary>The period forecast.</summary>
    public required ForecastPeriod Period { get; init; }

    /// <summary>The date the forecast was taken.</summary>
    public required LocalDate TakenOn { get; init; }

    /// <summary>The partner it covers; null for all.</summary>
    public PartnerId? Partner { get; init; }

    /// <summary>The region it covers; null for all.</summary>
    public string? Region { get; init; }

    /// <summary>The forecast tree's node it covers (<see cref="ForecastNodePath"/>); null when it is not a node's.</summary>
    public string? Node { get; init; }

    /// <summary>The reporting currency.</summary>
    public required CurrencyCode Currency { get; init; }

    /// <summary>Won so far plus the open weighted pipeline.</summary>
    public required Money Expected { get; init; }

    /// <summary>10th percentile of the simulated result.</summary>
    public required Money P10 { get; init; }

    /// <summary>Median of the simulated result.</summary>
    public required Money P50 { get; init; }

    /// <summary>90th percentile of the simulated result.</summary>
    public required Money P90 { get; init; }

    /// <summary>Closed + Commit amounts.</summary>
    public required Money CommitForecast { get; init; }

    /// <summary>Closed + Commit + Best case amounts.</summary>
    public required Money BestCaseForecast { get; init; }

    /// <summary>Amount per forecast category (all five).</summary>
    public required IReadOnlyDictionary<ForecastCategory, Money> ByCategory { get; init; }

    /// <summary>Takes a snapshot of the forecast of <paramref name="period"/> on <paramref name="takenOn"/>.</summary>
    /// <param name="pipeline">The pipeline, with closed-won deals included.</param>
    /// <param name="period">The period.</param>
    /// <param name="takenOn">The date (from your clock).</param>
    /// <param name="currency">The reporting currency.</param>
    /// <param name="options">Monte Carlo settings and rates; period and currency are set here.</param>
    /// <param name="partner">Limit to one partner.</param>
    /// <param name="region">Limit to one region.</param>
    public static ForecastSnapshot Take(PipelineSnapshot pipeline, ForecastPeriod period, LocalDate takenOn, CurrencyCode currency, ForecastOptions? options = null, PartnerId? partner = null, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var filter = new PipelineFilter { Partner = partner, Region = region };
        var forecast = pipeline.Forecast((options ?? new ForecastOptions()) with { Period = period, Filter = filter, Currency = currency });
        var rollup = ForecastRollup.Compute(pipeline, period, currency, options?.Rates, options?.RatesAsOf, filter);
        return new ForecastSnapshot
        {
            Period = period,
            TakenOn = takenOn,
            Partner = partner,
            Region = region,
            Currency = currency,
            Expected = forecast.Expected,
            P10 = forecast.P10,
            P50 = forecast.P50,
            P90 = forecast.P90,
            CommitForecast = rollup.CommitForecast,
            BestCaseForecast = rollup.BestCaseForecast,
            ByCategory = rollup.Categories.ToDictionary(c => c.Category, c => c.Amount),
        };
    }
}
