using System.Globalization;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// For adapter writers implementing <see cref="IPipelinePushDown"/>: collects the exact sums a
/// database grouped (by raw stored keys, per currency) and turns them into the groups
/// <see cref="PipelineSnapshot.Group(PipelineGrouping)"/> would return — labels, merging and
/// order as the snapshot makes them (partners, regions and product lines by ordinal name, blank
/// regions and product lines as <c>(none)</c> first; stages case-insensitively in the options'
/// pipeline order, unknown stage names after them by ordinal name; categories as declared;
/// periods in time). Periods are given as the month of the close date (year × 12 + month − 1) and
/// rolled up to fiscal quarters and years here, so the database needs no fiscal arithmetic.
/// </summary>
public sealed class PipelineGroupCollector
{
    private readonly PipelineGrouping _grouping;
    private readonly PipelineSnapshotOptions _options;
    private readonly Dictionary<string, int> _stageRanks = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _stageNames = [];
    private readonly Dictionary<(Key First, Key Second, string Currency), (long Count, Int128 Amount, Int128 Weighted)> _sums = [];

    /// <summary>Creates a collector for <paramref name="grouping"/>.</summary>
    /// <exception cref="InputValidationException">The options are invalid.</exception>
    public PipelineGroupCollector(PipelineGrouping grouping, PipelineSnapshotOptions? options = null)
    {
        _grouping = grouping;
        var result = (options ?? new PipelineSnapshotOptions()).Validate();
        _options = result.Value;
        foreach (var definition in (_options.Pipelines ?? new PipelineCatalog()).All.OrderBy(d => d.Id == PipelineDefinition.Default.Id ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            foreach (var stage in definition.Stages)
            {
                if (_stageRanks.TryAdd(stage.Name.Trim(), _stageNames.Count))
                {
                    _stageNames.Add(stage.Name.Trim());
                }
            }
        }
    }

    /// <summary>The options the answer must match (validated).</summary>
    public PipelineSnapshotOptions Options => _options;

    /// <summary>
    /// Adds the sums of one database group. A key is the raw stored value of its dimension: the
    /// partner id, the stage name, the forecast category's number, the region, product line or
    /// product (null or blank for none; for <see cref="PipelineDimension.Product"/> give one group per
    /// product of the deals' lines with that product's amount, and the deals without lines under null), or for the three period dimensions the close month as year × 12 + month − 1,
    /// all as invariant text; null for a dimension the grouping does not have. Groups whose keys
    /// meet after labelling are summed.
    /// </summary>
    /// <exception cref="StoreDataException">A key cannot be read for its dimension.</exception>
    public void Add(string? first, string? second, CurrencyCode currency, long count, Int128 amountMinorUnits, Int128 weightedBasisPointMinorUnits)
    {
        var key = (KeyOf(_grouping.First, first), KeyOf(_grouping.Second, second), currency.Code);
        ref var sums = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sums, key, out _);
        sums = (sums.Count + count, sums.Amount + amountMinorUnits, sums.Weighted + weightedBasisPointMinorUnits);
    }

    /// <summary>The groups in display order, then by currency code.</summary>
    public IReadOnlyList<PipelineGroupTotal> ToGroups() =>
        [.. _sums
            .Where(kv => kv.Value.Count != 0)
            .OrderBy(kv => kv.Key.First.Rank).ThenBy(kv => kv.Key.First.Label, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Second.Rank).ThenBy(kv => kv.Key.Second.Label, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Currency, StringComparer.Ordinal)
            .Select(kv =>
            {
                var currency = new CurrencyCode(kv.Key.Currency);
                return new PipelineGroupTotal(kv.Key.First.Label, kv.Key.Second.Label, currency, kv.Value.Count, kv.Value.Amount, new WeightedValue(currency, kv.Value.Weighted));
            })];

    private Key KeyOf(PipelineDimension? dimension, string? raw)
    {
        switch (dimension)
        {
            case null:
                return default;
            case PipelineDimension.Partner:
                return new Key(0, Required(raw, dimension.Value));
            case PipelineDimension.Stage:
                var stage = Required(raw, dimension.Value).Trim();
                return _stageRanks.TryGetValue(stage, out var rank) ? new Key(rank, _stageNames[rank]) : new Key(_stageNames.Count, stage);
            case PipelineDimension.ForecastCategory:
                var category = (ForecastCategory)Number(raw, dimension.Value);
                return new Key((long)category, category.ToString());
            case PipelineDimension.Region or PipelineDimension.ProductLine or PipelineDimension.Product:
                return string.IsNullOrWhiteSpace(raw) ? new Key(-1, "(none)") : new Key(0, raw.Trim());
            default:
                var kind = dimension == PipelineDimension.CloseMonth ? PeriodKind.Month : dimension == PipelineDimension.CloseQuarter ? PeriodKind.Quarter : PeriodKind.FiscalYear;
                var month = (int)Number(raw, dimension.Value);
                var calendar = _options.FiscalCalendar;
                return new Key(calendar.PeriodCodeOfMonth(month, kind), calendar.PeriodOfMonth(month, kind).Label);
        }
    }

    private static string Required(string? raw, PipelineDimension dimension) =>
        string.IsNullOrWhiteSpace(raw) ? throw new StoreDataException(nameof(SalesOpportunity), null, dimension.ToString(), "The store grouped by an empty key.") : raw;

    private static long Number(string? raw, PipelineDimension dimension) =>
        long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new StoreDataException(nameof(SalesOpportunity), null, dimension.ToString(), $"The store grouped by '{raw}', not a number.");

    private readonly record struct Key(long Rank, string? Label);
}
