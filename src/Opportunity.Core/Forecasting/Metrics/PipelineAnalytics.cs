using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Pipeline health from opportunity histories: stage conversion rates, time in stage, stale deals
/// and sales velocity. Pure functions of their inputs and the instant given.
/// </summary>
public static class PipelineAnalytics
{
    /// <summary>Conversion from each open stage of <paramref name="pipeline"/> to the next (the last to won), over the closed deals of that pipeline.</summary>
    public static IReadOnlyList<StageConversion> StageConversions(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(pipeline);
        var open = pipeline.OpenStages;
        var reached = new int[open.Count + 1];
        foreach (var h in histories.Where(h => h.Pipeline.Id == pipeline.Id && h.Outcome != StageKind.Open))
        {
            var furthest = h.FurthestOpenStage;
            for (var i = 0; i <= furthest && i <= open.Count; i++)
            {
                reached[i]++;
            }
        }

        return [.. open.Select((stage, i) => new StageConversion(stage.Name, i + 1 < open.Count ? open[i + 1].Name : pipeline.WonStage.Name, reached[i], reached[i + 1]))];
    }

    /// <summary>Mean and median days of completed stays per stage of <paramref name="pipeline"/> (open stages, in order).</summary>
    public static IReadOnlyList<StageDuration> TimeInStage(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(pipeline);
        var days = pipeline.OpenStages.ToDictionary(s => s.Name, _ => new List<double>(), StringComparer.OrdinalIgnoreCase);
        foreach (var h in histories.Where(h => h.Pipeline.Id == pipeline.Id))
        {
            for (var i = 0; i + 1 < h.Stages.Count; i++)
            {
                if (days.TryGetValue(h.Stages[i].To, out var list))
                {
                    list.Add((h.Stages[i + 1].At - h.Stages[i].At).TotalDays);
                }
            }
        }

        return [.. pipeline.OpenStages.Select(s =>
        {
            var list = days[s.Name];
            return new StageDuration(s.Name, list.Count, list.Count == 0 ? null : list.Average(), list.Count == 0 ? null : Median(list));
        })];
    }

    /// <summary>Open deals whose time in their current stage exceeds the stage's <see cref="Stage.TypicalDuration"/>, most overdue first.</summary>
    public static IReadOnlyList<StaleOpportunity> Stale(IEnumerable<OpportunityHistory> histories, Instant now)
    {
        ArgumentNullException.ThrowIfNull(histories);
        return [.. histories
            .Where(h => h.Outcome == StageKind.Open && h.CurrentStage.TypicalDuration is { } typical && now - h.StageEnteredAt > typical)
            .Select(h => new StaleOpportunity(h.Id, h.Partner, h.CurrentStage.Name, now - h.StageEnteredAt, h.CurrentStage.TypicalDuration!.Value))
            .OrderByDescending(s => s.Overdue)
            .ThenBy(s => s.Id)];
    }

    /// <summary>
    /// Sales velocity over the deals closed in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>)
    /// with the deals open at <paramref name="windowEnd"/>: open × average won amount × win rate ÷
    /// average cycle days. Amounts are summed per currency, converted once with
    /// <paramref name="rates"/>, and the velocity is rounded once.
    /// </summary>
    /// <exception cref="InvalidOperationException">Foreign currencies without rates.</exception>
    public static SalesVelocity Velocity(IEnumerable<OpportunityHistory> histories, Instant windowStart, Instant windowEnd, CurrencyCode currency, IExchangeRateProvider? rates = null, LocalDate? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var list = histories.ToList();
        var open = list.Count(h => h.CreatedAt < windowEnd && (h.ClosedAt is null || h.ClosedAt >= windowEnd));
        var closed = list.Where(h => h.ClosedAt is { } at && at >= windowStart && at < windowEnd).ToList();
        var won = closed.Where(h => h.Outcome == StageKind.Won).ToList();
        var lost = closed.Count - won.Count;
        var date = asOf ?? windowEnd.InUtc().Date;
        var wonSum = won.GroupBy(h => h.Amount.Currency)
            .Sum(g => g.Sum(h => h.Amount.Amount) * CurrencyConversion.Rate(g.Key, currency, rates, date));
        var averageWon = won.Count == 0 ? 0m : wonSum / won.Count;
        var winRate = closed.Count == 0 ? 0m : (decimal)won.Count / closed.Count;
        var cycleDays = won.Count == 0 ? 0m : won.Sum(h => (decimal)(h.ClosedAt!.Value - h.CreatedAt).TotalDays) / won.Count;
        var perDay = cycleDays == 0m ? 0m : open * averageWon * winRate / cycleDays;
        return new SalesVelocity(open, won.Count, lost, Money.Round(averageWon, currency), winRate, cycleDays, Money.Round(perDay, currency));
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
