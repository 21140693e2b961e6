using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>What to forecast and how: the deals (period, filter), the reporting currency, the Monte Carlo trials and seed, and an optional target.</summary>
public sealed record ForecastOptions
{
    /// <summary>Only deals closing in this period; null for all deals of the snapshot.</summary>
    public ForecastPeriod? Period { get; init; }

    /// <summary>Further row selection (partner, region, product line, categories); null for none.</summary>
    public PipelineFilter? Filter { get; init; }

    /// <summary>The reporting currency; null when the deals have exactly one currency (that one is used).</summary>
    public CurrencyCode? Currency { get; init; }

    /// <summary>Exchange rates, needed when a deal's currency differs from <see cref="Currency"/>.</summary>
    public IExchangeRateProvider? Rates { get; init; }

    /// <summary>The date of the exchange rates under <see cref="ExchangeRateDating.Corporate"/>. Default: the period's last day, else 2000-01-01.</summary>
    public LocalDate? RatesAsOf { get; init; }

    /// <summary>
    /// Which date each deal is converted at: <see cref="ExchangeRateDating.Corporate"/> (default; one
    /// rate per currency on <see cref="RatesAsOf"/>) or <see cref="ExchangeRateDating.CloseMonth"/>
    /// (each deal at the rate of the first day of its close month, in the expected value and in every
    /// Monte Carlo trial).
    /// </summary>
    public ExchangeRateDating RateDating { get; init; }

    /// <summary>Number of Monte Carlo trials, 1 to 10,000,000. Default 10,000.</summary>
    public int Trials { get; init; } = 10_000;

    /// <summary>The seed; the same seed and deals give the same quantiles on every machine and thread count. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>A target (quota) to compute the probability of reaching; null for none.</summary>
    public Money? Target { get; init; }

    /// <summary>Threads for the trials; null for the snapshot's setting. Does not change the results.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
