using System.Globalization;
using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// The feature values of a deal in a stage, as the labels <see cref="FeatureProbabilities"/> learns
/// weights for. The size bands are fixed on the training deals, so a deal gets the same band when
/// it is scored later.
/// </summary>
internal sealed class DealFeatureValues
{
    /// <summary>The single features, in the order values are listed.</summary>
    public static readonly DealFeatures[] Each =
    [
        DealFeatures.Partner, DealFeatures.ProductLine, DealFeatures.Region, DealFeatures.SizeBand,
        DealFeatures.DaysInStage, DealFeatures.CloseMonthOfQuarter, DealFeatures.LeadSource,
    ];

    private readonly FeatureModelOptions _options;
    private readonly Dictionary<CurrencyCode, decimal[]> _sizeEdges;

    public DealFeatureValues(FeatureModelOptions options, IEnumerable<OpportunityHistory> training)
    {
        _options = options;

        // Band edges per currency: the amounts at the 1/B, 2/B, … quantiles (nearest rank) of the training deals.
        _sizeEdges = training.GroupBy(h => h.Amount.Currency).ToDictionary(
            g => g.Key,
            g =>
            {
                var sorted = g.Select(h => h.Amount.Amount).Order().ToArray();
                return Enumerable.Range(1, options.SizeBands - 1)
                    .Select(b => sorted[Math.Max(0, (int)Math.Ceiling(sorted.Length * b / (double)options.SizeBands) - 1)])
                    .ToArray();
            });
    }

    /// <summary>The value of <paramref name="feature"/> for a deal in <paramref name="stage"/> at <paramref name="asOf"/>; null when the deal has none.</summary>
    public string? Of(DealFeatures feature, OpportunityHistory history, Stage stage, Instant asOf) => feature switch
    {
        DealFeatures.Partner => history.Partner.Value,
        DealFeatures.ProductLine => history.ProductLine,
        DealFeatures.Region => history.Region,
        DealFeatures.SizeBand => SizeBand(history.Amount),
        DealFeatures.DaysInStage => history.TimeIn(stage, asOf) is { } time ? DaysBand(time) : null,
        DealFeatures.CloseMonthOfQuarter => CloseDate(history) is { } date ? MonthOfQuarter(date) : null,
        DealFeatures.LeadSource => history.LeadSource,
        _ => null,
    };

    private string? SizeBand(Money amount)
    {
        if (!_sizeEdges.TryGetValue(amount.Currency, out var edges))
        {
            return null;
        }

        var band = 1 + edges.Count(e => amount.Amount > e);
        return string.Create(CultureInfo.InvariantCulture, $"{amount.Currency.Code} {band}/{_options.SizeBands}");
    }

    private static string DaysBand(Duration time) => time.TotalDays switch
    {
        < 7 => "under 7 days",
        < 30 => "7-29 days",
        < 90 => "30-89 days",
        _ => "90 days or more",
    };

    /// <summary>The expected close date when known (what a forecaster sees while the deal is open), else the day it closed (UTC).</summary>
    private static LocalDate? CloseDate(OpportunityHistory history) => history.ExpectedClose ?? history.ClosedAt?.InUtc().Date;

    private string MonthOfQuarter(LocalDate date)
    {
        var month = (((date.Month - _options.FiscalCalendar.StartMonth) % 12) + 12) % 12 % 3;
        return string.Create(CultureInfo.InvariantCulture, $"month {month + 1}");
    }
}
