using NodaTime;
using NodaTime.Text;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Forecasts;

/// <summary>
/// For adapter writers implementing <see cref="IForecastSnapshotStore"/> and <see cref="ISalesTargetStore"/>:
/// how a target or snapshot becomes key columns and exact amounts, with the typed errors every
/// adapter gives for a value it cannot store faithfully. A scope is stored as three text key columns,
/// partner, region and node, with the empty string for "all"/"none" (so they can be part of a primary key);
/// amounts as 64-bit minor units beside one currency column.
/// </summary>
public static class ForecastStoreValues
{
    /// <summary>The entity name of a snapshot in <see cref="StoreDataException"/>.</summary>
    public const string SnapshotEntity = nameof(ForecastSnapshot);

    /// <summary>The entity name of a target in <see cref="StoreDataException"/>.</summary>
    public const string TargetEntity = nameof(SalesTarget);

    /// <summary>The entity name of an adjustment in <see cref="StoreDataException"/>.</summary>
    public const string AdjustmentEntity = nameof(ForecastAdjustment);

    /// <summary>How errors name an adjustment: <c>2025-Q1 network/region:EMEA Commit 2025-02-03T10:00:00Z</c>.</summary>
    public static string Id(ForecastAdjustment adjustment)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        return $"{adjustment.Period.Label} {adjustment.Node} {adjustment.Category} {InstantPattern.ExtendedIso.Format(adjustment.At)}";
    }

    /// <summary>
    /// Checks that an adjustment can be stored (its period, texts without U+0000, an amount within
    /// 64-bit minor units) and returns its amount in minor units (in the amount's currency), or null when it clears.
    /// </summary>
    /// <exception cref="StoreDataException">It cannot; names the field.</exception>
    public static long? AdjustmentMinorUnits(ForecastAdjustment adjustment)
    {
        var id = Id(adjustment);
        Period(adjustment.Period, AdjustmentEntity, id);
        foreach (var (field, text) in new[] { (nameof(adjustment.Node), adjustment.Node), (nameof(adjustment.By), adjustment.By), (nameof(adjustment.Reason), adjustment.Reason) })
        {
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new StoreDataException(AdjustmentEntity, id, field, $"{field} cannot hold the NUL character (U+0000).");
            }
        }

        return adjustment.Amount is { } amount ? MinorUnits(amount, amount.Currency, AdjustmentEntity, id, nameof(adjustment.Amount)) : null;
    }

    /// <summary>An adjustment read back from its columns (<paramref name="minorUnits"/> and <paramref name="currency"/> both null: it clears).</summary>
    public static ForecastAdjustment Adjustment(ForecastPeriod period, string node, ForecastCategory category, long? minorUnits, string? currency, string by, Instant at, string reason) =>
        new(node, period, category, minorUnits is { } minor ? Money.FromMinorUnits(minor, new CurrencyCode(currency!)) : null, by, at, reason);

    /// <summary>The forecast categories in declared order: the order of a snapshot's per-category amount columns.</summary>
    public static IReadOnlyList<ForecastCategory> Categories { get; } = Enum.GetValues<ForecastCategory>();

    /// <summary>How errors name a target: <c>2025-Q1 partner P1</c>.</summary>
    public static string Id(ForecastPeriod period, ForecastScope scope) => $"{period.Label} {scope}";

    /// <summary>How errors name a snapshot: <c>2025-Q1 network 2025-02-03</c>.</summary>
    public static string Id(ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return $"{Id(snapshot.Period, ForecastScope.Of(snapshot))} {LocalDatePattern.Iso.Format(snapshot.TakenOn)}";
    }

    /// <summary>Checks that <paramref name="period"/> can be stored (a defined kind, a label, start before end) and returns it.</summary>
    /// <exception cref="StoreDataException">It cannot; names the field <c>Period</c>.</exception>
    public static ForecastPeriod Period(ForecastPeriod period, string entity, string id) =>
        Enum.IsDefined(period.Kind) && period.Label is not null && !period.Label.Contains('\0', StringComparison.Ordinal) && period.Start < period.End
            ? period
            : throw new StoreDataException(entity, id, "Period", $"Period {period.Kind} {period.Start}..{period.End} '{period.Label}' is not a period a store can key by (a defined kind, a label without U+0000, start before end).");

    /// <summary>The partner key column: the partner's id, or the empty string for all partners.</summary>
    public static string PartnerKey(ForecastScope scope) => scope.Partner?.Value ?? string.Empty;

    /// <summary>The region key column: the region, or the empty string for all regions.</summary>
    /// <exception cref="StoreDataException">The region is empty (it would read back as "all regions") or holds U+0000; names the field <c>Region</c>.</exception>
    public static string RegionKey(ForecastScope scope, string entity, string id) => scope.Region switch
    {
        null => string.Empty,
        "" => throw new StoreDataException(entity, id, "Region", "An empty region cannot be stored: null means all regions."),
        { } region when region.Contains('\0', StringComparison.Ordinal) => throw new StoreDataException(entity, id, "Region", "A region cannot hold the NUL character (U+0000)."),
        { } region => region,
    };

    /// <summary>The node key column: the forecast tree node's path, or the empty string for a scope that is not a node.</summary>
    /// <exception cref="StoreDataException">The node is empty (it would read back as "no node") or holds U+0000; names the field <c>Node</c>.</exception>
    public static string NodeKey(ForecastScope scope, string entity, string id) => scope.Node switch
    {
        null => string.Empty,
        "" => throw new StoreDataException(entity, id, "Node", "An empty node path cannot be stored: null means the scope is not a node."),
        { } node when node.Contains('\0', StringComparison.Ordinal) => throw new StoreDataException(entity, id, "Node", "A node path cannot hold the NUL character (U+0000)."),
        { } node => node,
    };

    /// <summary>The scope of two key columns.</summary>
    public static ForecastScope Scope(string partnerKey, string regionKey) => Scope(partnerKey, regionKey, string.Empty);

    /// <summary>The scope of three key columns (partner, region, node).</summary>
    public static ForecastScope Scope(string partnerKey, string regionKey, string nodeKey)
    {
        ArgumentNullException.ThrowIfNull(partnerKey);
        ArgumentNullException.ThrowIfNull(regionKey);
        ArgumentNullException.ThrowIfNull(nodeKey);
        return new(partnerKey.Length == 0 ? null : new PartnerId(partnerKey), regionKey.Length == 0 ? null : regionKey) { Node = nodeKey.Length == 0 ? null : nodeKey };
    }

    /// <summary>The amount in minor units of <paramref name="currency"/>.</summary>
    /// <exception cref="StoreDataException">The amount is in another currency, or beyond 64-bit minor units; names <paramref name="field"/>.</exception>
    public static long MinorUnits(Money amount, CurrencyCode currency, string entity, string id, string field)
    {
        if (amount.Currency != currency)
        {
            throw new StoreDataException(entity, id, field, $"Amount {amount} is not in {currency.Code}, the currency every amount of the record is stored in.");
        }

        try
        {
            return amount.MinorUnits;
        }
        catch (OverflowException ex)
        {
            throw new StoreDataException(entity, id, field, $"Amount {amount} is beyond 64-bit minor units.", ex);
        }
    }

    /// <summary>A snapshot's amount per category in minor units, in <see cref="Categories"/> order; null where the snapshot has none.</summary>
    /// <exception cref="StoreDataException">A category is undefined, or an amount cannot be stored (<see cref="MinorUnits"/>); names the field.</exception>
    public static long?[] CategoryMinorUnits(ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = Id(snapshot);
        var amounts = new long?[Categories.Count];
        foreach (var (category, amount) in snapshot.ByCategory)
        {
            if (!Enum.IsDefined(category))
            {
                throw new StoreDataException(SnapshotEntity, id, nameof(ForecastSnapshot.ByCategory), $"Category {(int)category} is not a forecast category.");
            }

            amounts[(int)category] = MinorUnits(amount, snapshot.Currency, SnapshotEntity, id, $"{nameof(ForecastSnapshot.ByCategory)}[{category}]");
        }

        return amounts;
    }

    /// <summary>The amount per category of stored minor units in <see cref="Categories"/> order (null: none).</summary>
    public static IReadOnlyDictionary<ForecastCategory, Money> ByCategory(IReadOnlyList<long?> minorUnits, CurrencyCode currency)
    {
        ArgumentNullException.ThrowIfNull(minorUnits);
        var amounts = new Dictionary<ForecastCategory, Money>();
        for (var i = 0; i < minorUnits.Count; i++)
        {
            if (minorUnits[i] is { } minor)
            {
                amounts[Categories[i]] = Money.FromMinorUnits(minor, currency);
            }
        }

        return amounts;
    }

    /// <summary>
    /// A snapshot's amounts in minor units, in this order: expected, P10, P50, P90, commit forecast,
    /// best-case forecast (the order of <see cref="Snapshot"/>'s <c>amounts</c>).
    /// </summary>
    /// <exception cref="StoreDataException">An amount cannot be stored (<see cref="MinorUnits"/>); names the field.</exception>
    public static long[] AmountMinorUnits(ForecastSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = Id(snapshot);
        long Minor(Money amount, string field) => MinorUnits(amount, snapshot.Currency, SnapshotEntity, id, field);
        return
        [
            Minor(snapshot.Expected, nameof(snapshot.Expected)),
            Minor(snapshot.P10, nameof(snapshot.P10)),
            Minor(snapshot.P50, nameof(snapshot.P50)),
            Minor(snapshot.P90, nameof(snapshot.P90)),
            Minor(snapshot.CommitForecast, nameof(snapshot.CommitForecast)),
            Minor(snapshot.BestCaseForecast, nameof(snapshot.BestCaseForecast)),
        ];
    }

    /// <summary>A snapshot read back from its columns: <paramref name="amounts"/> as <see cref="AmountMinorUnits"/> gives them, <paramref name="categories"/> as <see cref="CategoryMinorUnits"/>.</summary>
    public static ForecastSnapshot Snapshot(ForecastPeriod period, ForecastScope scope, LocalDate takenOn, CurrencyCode currency, IReadOnlyList<long> amounts, IReadOnlyList<long?> categories)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        Money At(int i) => Money.FromMinorUnits(amounts[i], currency);
        return new ForecastSnapshot
        {
            Period = period,
            TakenOn = takenOn,
            Partner = scope.Partner,
            Region = scope.Region,
            Node = scope.Node,
            Currency = currency,
            Expected = At(0),
            P10 = At(1),
            P50 = At(2),
            P90 = At(3),
            CommitForecast = At(4),
            BestCaseForecast = At(5),
            ByCategory = ByCategory(categories, currency),
        };
    }
}
