namespace Opportunity.Forecasting;

/// <summary>
/// A period's forecast against its target. <see cref="Coverage"/> = open weighted pipeline ÷
/// remaining target (remaining = target − already won, at least zero); <see cref="Gap"/> = target −
/// expected (won + open weighted), positive when the forecast falls short;
/// <see cref="ProbabilityOfReaching"/> is the share of Monte Carlo trials in which won + simulated
/// wins reach the target.
/// </summary>
public sealed record ForecastVsTarget
{
    /// <summary>The target.</summary>
    public required SalesTarget Target { get; init; }

    /// <summary>Amount already won in the period.</summary>
    public required Money Won { get; init; }

    /// <summary>Open pipeline amount (unweighted) closing in the period.</summary>
    public required Money OpenPipeline { get; init; }

    /// <summary>Open weighted pipeline closing in the period.</summary>
    public required Money OpenWeighted { get; init; }

    /// <summary>Target − won, at least zero.</summary>
    public required Money RemainingTarget { get; init; }

    /// <summary>Expected result: won + open weighted, from the exact sums (the forecast's expected value).</summary>
    public required Money Expected { get; init; }

    /// <summary>Target − expected; positive means a shortfall.</summary>
    public required Money Gap { get; init; }

    /// <summary>Open weighted ÷ remaining target; null when nothing remains to win.</summary>
    public required decimal? Coverage { get; init; }

    /// <summary>Open pipeline (unweighted) ÷ remaining target, the classic "3× coverage" figure; null when nothing remains.</summary>
    public required decimal? UnweightedCoverage { get; init; }

    /// <summary>Share of trials reaching the target.</summary>
    public required double ProbabilityOfReaching { get; init; }

    /// <summary>The forecast distribution behind the figures.</summary>
    public required Forecast Forecast { get; init; }

    /// <summary>
    /// Compares the forecast of <paramref name="target"/>'s period and scope with it.
    /// <paramref name="snapshot"/> should include closed-won deals
    /// (<see cref="PipelineSnapshotOptions.IncludeClosedWon"/>), or won is taken as zero.
    /// </summary>
    /// <param name="snapshot">The pipeline.</param>
    /// <param name="target">The target; its currency is the reporting currency.</param>
    /// <param name="options">Monte Carlo settings (trials, seed, rates); period, currency and target are taken from <paramref name="target"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="target"/> is a node's quota (<see cref="SalesTarget.Node"/> set): those go to <see cref="ForecastHierarchyRollup.Attainment"/>.</exception>
    public static ForecastVsTarget Compute(PipelineSnapshot snapshot, SalesTarget target, ForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Node is not null)
        {
            // A node's quota is not a filter of the snapshot: its deals are the node's leaves, known only to the tree.
            throw new ArgumentException($"The target is node {target.Node}'s quota; compare it with ForecastHierarchyRollup.Attainment. ForecastVsTarget takes network, partner and region targets.", nameof(target));
        }

        var currency = target.Amount.Currency;
        var asOf = options?.RatesAsOf ?? target.Period.LastDay;
        var scope = new PipelineFilter { Period = target.Period, Partner = target.Partner, Region = target.Region };
        var selected = snapshot.Filter(scope);
        var dating = options?.RateDating ?? ExchangeRateDating.Corporate;
        var won = selected.Filter(new PipelineFilter { Won = true }).Report(PipelineGrouping.Total, currency, options?.Rates, dating, asOf).Total;
        var open = selected.Filter(new PipelineFilter { Won = false }).Report(PipelineGrouping.Total, currency, options?.Rates, dating, asOf).Total;
        var forecast = selected.Forecast((options ?? new ForecastOptions()) with
        {
            Period = null,
            Filter = null,
            Currency = currency,
            RatesAsOf = asOf,
            Target = target.Amount,
        });
        var remaining = target.Amount - won.Amount;
        if (remaining.IsNegative)
        {
            remaining = Money.Zero(currency);
        }

        var expected = forecast.Expected;
        return new ForecastVsTarget
        {
            Target = target,
            Won = won.Amount,
            OpenPipeline = open.Amount,
            OpenWeighted = open.Weighted,
            RemainingTarget = remaining,
            Expected = expected,
            Gap = target.Amount - expected,
            Coverage = remaining.Amount == 0m ? null : open.Weighted.Amount / remaining.Amount,
            UnweightedCoverage = remaining.Amount == 0m ? null : open.Amount.Amount / remaining.Amount,
            ProbabilityOfReaching = forecast.ProbabilityOfReaching(target.Amount),
            Forecast = forecast,
        };
    }
}
