using System.Runtime.InteropServices;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Weighted-pipeline totals kept up to date one event at a time. Each change subtracts the deal's
/// old contribution from every maintained grouping and adds its new one, in exact integers, so
/// after any sequence of events the totals equal a full recompute (<see cref="ToSnapshot"/>) to
/// the cent. Events are applied at most once per opportunity (by sequence number), so an
/// at-least-once event feed (the outbox) can be replayed safely. One instance serves one tenant;
/// it is not thread-safe (feed it from one consumer).
/// </summary>
/// <example>
/// <code>
/// var live = new LivePipeline(tenant, catalog);
/// await foreach (var o in store.QueryAsync(scope, new OpportunityQuery { IsOpen = true })) live.Upsert(o);
/// // later, for every domain event delivered from the outbox:
/// live.Apply(domainEvent);
/// var byPartnerAndStage = live.Totals(PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage));
/// </code>
/// </example>
public sealed class LivePipeline
{
    private readonly TenantId _tenant;
    private readonly PipelineCatalog _catalog;
    private readonly PipelineSnapshotOptions _options;
    private readonly Dictionary<OpportunityId, LiveRow> _rows = [];
    private readonly GroupingState[] _groupings;
    private readonly Interner<PartnerId> _partners = new();
    private readonly Interner<string> _stages = new(StringComparer.OrdinalIgnoreCase);
    private readonly Interner<CurrencyCode> _currencies = new();
    private readonly Interner<string> _regions = new(StringComparer.Ordinal, hasNone: true);
    private readonly Interner<string> _products = new(StringComparer.Ordinal, hasNone: true);

    /// <summary>Creates an empty live pipeline for one tenant.</summary>
    /// <param name="tenant">Events of other tenants are ignored.</param>
    /// <param name="catalog">Pipeline definitions (stage defaults for stage changes); the default catalog when null.</param>
    /// <param name="options">Snapshot options (fiscal calendar, reporting zone, closed-won inclusion).</param>
    /// <param name="groupings">Groupings to maintain; default partner × stage, close quarter × forecast category, and the total.</param>
    /// <exception cref="InputValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">A grouping uses <see cref="PipelineDimension.Product"/>.</exception>
    public LivePipeline(TenantId tenant, PipelineCatalog? catalog = null, PipelineSnapshotOptions? options = null, IEnumerable<PipelineGrouping>? groupings = null)
    {
        _ = tenant.Value;
        _tenant = tenant;
        _catalog = catalog ?? new PipelineCatalog();
        _options = (options ?? new PipelineSnapshotOptions()).Validate().Value;
        if (_options.Pipelines is null)
        {
            _options = new PipelineSnapshotOptions
            {
                FiscalCalendar = _options.FiscalCalendar,
                ReportingZone = _options.ReportingZone,
                IncludeClosedWon = _options.IncludeClosedWon,
                MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism,
                Pipelines = _catalog,
            };
        }

        var list = (groupings ?? [
            PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage),
            PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory),
            PipelineGrouping.Total]).Distinct().ToList();
        if (list.FirstOrDefault(g => g.First == PipelineDimension.Product || g.Second == PipelineDimension.Product) is { First: not null } product)
        {
            // A live row carries no line items; group a snapshot by product instead.
            throw new ArgumentException($"Grouping {product} is not maintained live: live rows carry no line items. Group a PipelineSnapshot by product instead.", nameof(groupings));
        }

        _groupings = [.. list.Select(g => new GroupingState(g))];

        // Stage codes follow pipeline order, as in a snapshot.
        foreach (var definition in _options.Pipelines!.All.OrderBy(d => d.Id == PipelineDefinition.Default.Id ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            foreach (var stage in definition.Stages)
            {
                _stages.Intern(stage.Name);
            }
        }
    }

    /// <summary>The groupings kept up to date.</summary>
    public IReadOnlyList<PipelineGrouping> Groupings => [.. _groupings.Select(g => g.Grouping)];

    /// <summary>Number of deals counted in the totals (open, plus closed-won when included).</summary>
    public int Count { get; private set; }

    /// <summary>Number of opportunities known (counted or not, e.g. closed lost, kept so a reopen can restore them).</summary>
    public int KnownOpportunities => _rows.Count;

    /// <summary>
    /// Applies one domain event. Opportunity events of this tenant change the totals; an event
    /// whose sequence number was already applied to its opportunity, events of other tenants and
    /// non-opportunity events are ignored.
    /// </summary>
    /// <returns>True when the event was applied.</returns>
    /// <exception cref="InvalidOperationException">A change event for an opportunity that was never opened or upserted here.</exception>
    /// <exception cref="UnknownStageException">The event names a stage its pipeline lacks.</exception>
    public bool Apply(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        if (domainEvent.Tenant != _tenant || domainEvent.AggregateKind != nameof(SalesOpportunity))
        {
            return false;
        }

        var id = new OpportunityId(domainEvent.AggregateId);
        if (domainEvent is OpportunityOpened opened)
        {
            if (_rows.TryGetValue(id, out var existing) && existing.LastSequence >= domainEvent.Sequence)
            {
                return false;
            }

            var definition = _catalog.Get(opened.PipelineId ?? PipelineDefinition.Default.Id);
            var row = NewRow(definition, definition.GetStage(opened.Stage), opened.Partner, opened.Amount, opened.ExpectedClose, opened.Region, opened.ProductLine, opened.ProbabilityOverride, opened.ForecastCategoryOverride, domainEvent.Sequence);
            Replace(id, row, existing: _rows.ContainsKey(id));
            return true;
        }

        ref var current = ref CollectionsMarshal.GetValueRefOrNullRef(_rows, id);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref current))
        {
            if (IsOpportunityChange(domainEvent))
            {
                throw new InvalidOperationException($"Opportunity '{id}' is not known to the live pipeline; apply its OpportunityOpened event or Upsert it first.");
            }

            return false;
        }

        if (current.LastSequence >= domainEvent.Sequence)
        {
            return false;
        }

        var next = current;
        next.LastSequence = domainEvent.Sequence;
        switch (domainEvent)
        {
            case OpportunityStageChanged changed:
                EnterStage(ref next, next.Definition.GetStage(changed.To), clearProbabilityOverride: true);
                break;
            case OpportunityAmountChanged amount:
                next.Currency = (byte)_currencies.Intern(amount.Current.Currency);
                next.Amount = Amount(amount.Current);
                break;
            case OpportunityLinesChanged lines:
                // The lines define the amount: the event carries the amount they sum to.
                next.Currency = (byte)_currencies.Intern(lines.Current.Currency);
                next.Amount = Amount(lines.Current);
                break;
            case OpportunityCloseDateChanged date:
                next.ExpectedMonth = (short)PipelineSnapshotBuilder.MonthCode(date.Current);
                if (next.Kind == StageKind.Open)
                {
                    next.Month = next.ExpectedMonth;
                }

                break;
            case OpportunityProbabilityOverridden probability:
                next.ProbabilityOverride = probability.Override is { } p ? (short)p.BasisPoints : (short)-1;
                next.BasisPoints = (ushort)(probability.Override ?? next.Definition.Stages[next.StageIndex].DefaultProbability).BasisPoints;
                break;
            case OpportunityForecastCategoryOverridden category:
                next.CategoryOverride = category.Override is { } c ? (sbyte)c : (sbyte)-1;
                next.Category = (byte)(category.Override ?? next.Definition.Stages[next.StageIndex].ForecastCategory);
                break;
            case OpportunityClosed closed:
                EnterStage(ref next, next.Definition.GetStage(closed.Stage), clearProbabilityOverride: true);
                next.Currency = (byte)_currencies.Intern(closed.Amount.Currency);
                next.Amount = Amount(closed.Amount);
                next.Month = (short)PipelineSnapshotBuilder.MonthCode(domainEvent.OccurredAt.InZone(_options.ReportingZone).Date);
                break;
            case OpportunityReopened reopened:
                EnterStage(ref next, next.Definition.GetStage(reopened.To), clearProbabilityOverride: true);
                next.Month = next.ExpectedMonth;
                break;
            default:
                // Activity, criteria and other events do not change the pipeline's figures.
                current.LastSequence = domainEvent.Sequence;
                return true;
        }

        Replace(id, next, existing: true);
        return true;
    }

    /// <summary>Applies events in order; returns how many were applied.</summary>
    public int Apply(IEnumerable<DomainEvent> domainEvents)
    {
        ArgumentNullException.ThrowIfNull(domainEvents);
        var applied = 0;
        foreach (var e in domainEvents)
        {
            applied += Apply(e) ? 1 : 0;
        }

        return applied;
    }

    /// <summary>
    /// Sets an opportunity's row to the aggregate's current state (use it to load the pipeline from
    /// a store, or after changes made outside the event feed). Later events with a sequence number
    /// up to the aggregate's <see cref="AggregateRoot.EventCount"/> are then ignored as already seen.
    /// </summary>
    /// <exception cref="ArgumentException">The opportunity belongs to another tenant.</exception>
    public void Upsert(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        if (opportunity.Tenant != _tenant)
        {
            throw new ArgumentException($"Opportunity '{opportunity.Id}' belongs to tenant '{opportunity.Tenant}', not '{_tenant}'.", nameof(opportunity));
        }

        var row = NewRow(opportunity.Definition, opportunity.Stage, opportunity.Partner, opportunity.Amount, opportunity.ExpectedClose, opportunity.Region, opportunity.ProductLine, opportunity.ProbabilityOverride, opportunity.ForecastCategoryOverride, opportunity.EventCount);
        row.Version = opportunity.Version;
        row.Month = opportunity.ClosedAt is { } closedAt
            ? (short)PipelineSnapshotBuilder.MonthCode(closedAt.InZone(_options.ReportingZone).Date)
            : row.ExpectedMonth;
        Replace(opportunity.Id, row, _rows.ContainsKey(opportunity.Id));
    }

    /// <summary>
    /// Applies one entry of a store's change feed (<see cref="IChangeFeed"/>): the opportunity's row
    /// becomes the stored row the entry carries, unless a row of the same or a higher stored
    /// version was applied already (a change read twice, or an older one read after a newer one,
    /// changes nothing). A change without a row (the store no longer reads the deal) takes it out.
    /// Feed a live pipeline either from the change feed (after <see cref="Upsert(SalesOpportunity)"/>
    /// of the stored opportunities) or from domain events, not both: rows from the feed carry no
    /// pipeline definition for later stage events.
    /// </summary>
    /// <returns>True when the change was applied.</returns>
    public bool Apply(OpportunityChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var known = _rows.TryGetValue(change.Id, out var existing);
        if (known && existing.Version >= change.Version)
        {
            return false;
        }

        if (change.Row is not { } stored)
        {
            if (known)
            {
                Contribute(existing, -1);
                _rows.Remove(change.Id);
            }

            return known;
        }

        var definition = _catalog.Get(PipelineDefinition.Default.Id);
        var row = new LiveRow
        {
            Definition = definition,
            Partner = _partners.Intern(stored.Partner),
            Currency = (byte)_currencies.Intern(stored.Currency),
            Amount = stored.AmountMinorUnits,
            ExpectedMonth = (short)PipelineSnapshotBuilder.MonthCode(stored.ExpectedClose),
            Region = (ushort)_regions.Intern(stored.Region),
            Product = (ushort)_products.Intern(stored.ProductLine),
            ProbabilityOverride = -1,
            CategoryOverride = -1,
            LastSequence = known ? existing.LastSequence : 0,
            Version = change.Version,
            StageIndex = definition.TryGetStage(stored.Stage, out var stage) ? definition.IndexOf(stage.Name) : 0,
            Stage = (byte)_stages.Intern(stored.Stage),
            Kind = stored.Kind,
            BasisPoints = (ushort)stored.Probability.BasisPoints,
            Category = (byte)stored.Category,
        };
        row.Month = stored.ClosedAt is { } closedAt
            ? (short)PipelineSnapshotBuilder.MonthCode(closedAt.InZone(_options.ReportingZone).Date)
            : row.ExpectedMonth;
        Replace(change.Id, row, known);
        return true;
    }

    /// <summary>
    /// Pure mode: sets the row of <paramref name="id"/> to <paramref name="row"/> (an open deal of the
    /// default pipeline unless its stage is the won or a lost stage there).
    /// </summary>
    public void Upsert(OpportunityId id, PipelineRow row)
    {
        _ = id.Value;
        var definition = _catalog.Get(PipelineDefinition.Default.Id);
        var known = definition.TryGetStage(row.Stage, out var stage);
        var live = NewRow(definition, known ? stage : definition.OpenStages[0], row.Partner, row.Amount, row.CloseDate, row.Region, row.ProductLine, row.Probability, row.Category, _rows.TryGetValue(id, out var old) ? old.LastSequence : 0);
        if (!known)
        {
            // A stage of the user's own: an open stage of that name; probability and category as given.
            live.Stage = (byte)_stages.Intern(row.Stage);
        }

        Replace(id, live, _rows.ContainsKey(id));
    }

    /// <summary>Removes an opportunity from the totals and forgets it.</summary>
    /// <returns>True when it was known.</returns>
    public bool Remove(OpportunityId id)
    {
        if (!_rows.Remove(id, out var row))
        {
            return false;
        }

        Contribute(row, -1);
        return true;
    }

    /// <summary>
    /// The current totals of a maintained grouping, identical to a full recompute's. Reading is
    /// linear in the number of groups; the display order is sorted again only after a new group
    /// appeared.
    /// </summary>
    /// <exception cref="ArgumentException">The grouping is not maintained (see <see cref="Groupings"/>).</exception>
    public PipelineTotals Totals(PipelineGrouping grouping)
    {
        var state = State(grouping);
        var dictionaries = Dictionaries();
        if (state.Order is null || state.Order.Length != state.Keys.Count)
        {
            var rankA = Ranks(grouping.First);
            var rankB = Ranks(grouping.Second);
            var rankC = Ranks(_currencies.Items, (a, b) => string.CompareOrdinal(a.Code, b.Code));
            var order = Enumerable.Range(0, state.Keys.Count).ToArray();
            Array.Sort(order, (x, y) =>
            {
                var kx = state.Keys[x];
                var ky = state.Keys[y];
                var c = rankA(kx.A).CompareTo(rankA(ky.A));
                if (c == 0)
                {
                    c = rankB(kx.B).CompareTo(rankB(ky.B));
                }

                return c != 0 ? c : rankC(kx.Currency).CompareTo(rankC(ky.Currency));
            });
            state.Order = order;
        }

        var buffer = new GroupBuffer(state.Keys.Count, wide: true);
        foreach (var slot in state.Order)
        {
            if (state.Count[slot] != 0)
            {
                var key = state.Keys[slot];
                buffer.Add(key.A, key.B, key.Currency, (int)state.Count[slot], state.Amount[slot], state.Weighted[slot]);
            }
        }

        return new PipelineTotals(grouping, [buffer], dictionaries);
    }

    /// <summary>
    /// One group's current totals, in constant time: <paramref name="first"/> and
    /// <paramref name="second"/> are the labels as <see cref="Totals"/> shows them (null for an
    /// unused dimension; <c>(none)</c> for deals without region or product line).
    /// </summary>
    /// <returns>False when the group has no deals.</returns>
    /// <exception cref="ArgumentException">The grouping is not maintained.</exception>
    public bool TryGetTotal(PipelineGrouping grouping, string? first, string? second, CurrencyCode currency, out PipelineGroupTotal total)
    {
        var state = State(grouping);
        total = default;
        if (!TryCode(grouping.First, first, out var a) || !TryCode(grouping.Second, second, out var b)
            || !_currencies.TryGetCode(currency, out var c)
            || !state.Slots.TryGetValue(new GroupKey(a, b, c), out var slot) || state.Count[slot] == 0)
        {
            return false;
        }

        total = new PipelineGroupTotal(first, second, currency, state.Count[slot], state.Amount[slot], new WeightedValue(currency, state.Weighted[slot]));
        return true;
    }

    /// <summary>A full snapshot of the counted deals: the recompute the live totals always equal.</summary>
    public PipelineSnapshot ToSnapshot()
    {
        var builder = new PipelineSnapshotBuilder(_options, Count);
        foreach (var row in _rows.Values)
        {
            if (row.Included)
            {
                builder.Add(ToRow(row));
            }
        }

        return builder.Build();
    }

    private GroupingState State(PipelineGrouping grouping) =>
        _groupings.FirstOrDefault(g => g.Grouping == grouping)
            ?? throw new ArgumentException($"Grouping {grouping} is not maintained by this live pipeline; pass it to the constructor.", nameof(grouping));

    /// <summary>The code of a label in a dimension, as <see cref="Code(PipelineDimension?, in LiveRow)"/> would give it.</summary>
    private bool TryCode(PipelineDimension? dimension, string? label, out int code)
    {
        code = 0;
        switch (dimension)
        {
            case null:
                return label is null;
            case PipelineDimension.Partner:
                return label is not null && _partners.TryGetCode(new PartnerId(label), out code);
            case PipelineDimension.Stage:
                return label is not null && _stages.TryGetCode(label, out code);
            case PipelineDimension.ForecastCategory:
                var parsed = Enum.TryParse<ForecastCategory>(label, out var category) && Enum.IsDefined(category);
                code = (int)category;
                return parsed;
            case PipelineDimension.Region:
                return label == PipelineDictionaries.NoneLabel || _regions.TryGetCode(label, out code);
            case PipelineDimension.ProductLine:
                return label == PipelineDictionaries.NoneLabel || _products.TryGetCode(label, out code);
            default:
                // Periods: compare labels of the periods that occur in this grouping.
                var state = _groupings.SelectMany(g => g.Grouping.First == dimension ? g.Keys.Select(k => k.A) : g.Grouping.Second == dimension ? g.Keys.Select(k => k.B) : []);
                var dictionaries = Dictionaries();
                foreach (var candidate in state.Distinct())
                {
                    if (dictionaries.Label(dimension.Value, candidate) == label)
                    {
                        code = candidate;
                        return true;
                    }
                }

                return false;
        }
    }

    private static bool IsOpportunityChange(DomainEvent e) => e is OpportunityStageChanged or OpportunityAmountChanged or OpportunityLinesChanged
        or OpportunityCloseDateChanged or OpportunityProbabilityOverridden or OpportunityForecastCategoryOverridden
        or OpportunityClosed or OpportunityReopened;

    private static long Amount(Money amount)
    {
        if (!amount.IsValidDealAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"Pipeline amounts must be between 0 and {Money.MaxDealAmount(amount.Currency)} ({Money.MaxDealMinorUnits} minor units).");
        }

        return amount.MinorUnits;
    }

    /// <summary>A row in <paramref name="stage"/> with its overrides applied and its close month at the expected close.</summary>
    private LiveRow NewRow(PipelineDefinition definition, Stage stage, PartnerId partner, Money amount, LocalDate expectedClose, string? region, string? productLine, Probability? probabilityOverride, ForecastCategory? categoryOverride, long sequence)
    {
        var row = new LiveRow
        {
            Definition = definition,
            Partner = _partners.Intern(partner),
            Currency = (byte)_currencies.Intern(amount.Currency),
            Amount = Amount(amount),
            ExpectedMonth = (short)PipelineSnapshotBuilder.MonthCode(expectedClose),
            Region = (ushort)_regions.Intern(region),
            Product = (ushort)_products.Intern(productLine),
            ProbabilityOverride = probabilityOverride is { } p ? (short)p.BasisPoints : (short)-1,
            CategoryOverride = categoryOverride is { } c ? (sbyte)c : (sbyte)-1,
            LastSequence = sequence,
        };
        EnterStage(ref row, stage, clearProbabilityOverride: false);
        row.Month = row.ExpectedMonth;
        return row;
    }

    private void EnterStage(ref LiveRow row, Stage stage, bool clearProbabilityOverride)
    {
        if (clearProbabilityOverride)
        {
            row.ProbabilityOverride = -1;
        }

        row.StageIndex = row.Definition.IndexOf(stage.Name);
        row.Stage = (byte)_stages.Intern(stage.Name);
        row.Kind = stage.Kind;
        row.BasisPoints = (ushort)(row.ProbabilityOverride >= 0 ? row.ProbabilityOverride : stage.DefaultProbability.BasisPoints);
        row.Category = (byte)(row.CategoryOverride >= 0 ? row.CategoryOverride : (int)stage.ForecastCategory);
    }

    private void Replace(OpportunityId id, LiveRow row, bool existing)
    {
        row.Included = PipelineSnapshotBuilder.Includes(row.Kind, _options);
        if (existing)
        {
            ref var old = ref CollectionsMarshal.GetValueRefOrNullRef(_rows, id);
            Contribute(old, -1);
            old = row;
        }
        else
        {
            _rows.Add(id, row);
        }

        Contribute(row, +1);
    }

    private void Contribute(in LiveRow row, int sign)
    {
        if (!row.Included)
        {
            return;
        }

        Count += sign;
        var weighted = (Int128)(row.Amount * row.BasisPoints) * sign;
        Int128 amount = row.Amount * sign;
        foreach (var state in _groupings)
        {
            var key = new GroupKey(Code(state.Grouping.First, row), Code(state.Grouping.Second, row), row.Currency);
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(state.Slots, key, out var exists);
            if (!exists)
            {
                slot = state.Count.Count;
                state.Keys.Add(key);
                state.Count.Add(0);
                state.Amount.Add(Int128.Zero);
                state.Weighted.Add(Int128.Zero);
            }

            CollectionsMarshal.AsSpan(state.Count)[slot] += sign;
            CollectionsMarshal.AsSpan(state.Amount)[slot] += amount;
            CollectionsMarshal.AsSpan(state.Weighted)[slot] += weighted;
        }
    }

    private int Code(PipelineDimension? dimension, in LiveRow row) => dimension switch
    {
        null => 0,
        PipelineDimension.Partner => row.Partner,
        PipelineDimension.Stage => row.Stage,
        PipelineDimension.ForecastCategory => row.Category,
        PipelineDimension.Region => row.Region,
        PipelineDimension.ProductLine => row.Product,
        PipelineDimension.CloseMonth => row.Month + (2000 * 12),
        PipelineDimension.CloseQuarter => _options.FiscalCalendar.PeriodCodeOfMonth(row.Month + (2000 * 12), PeriodKind.Quarter),
        PipelineDimension.CloseFiscalYear => _options.FiscalCalendar.PeriodCodeOfMonth(row.Month + (2000 * 12), PeriodKind.FiscalYear),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown dimension."),
    };

    private PipelineDictionaries Dictionaries() => new(
        [.. _partners.Items], [.. _stages.Items], [.. _stages.Items.Select(KindOf)], [.. _currencies.Items], [.. _regions.Items.Cast<string?>()], [.. _products.Items.Cast<string?>()], _options.FiscalCalendar);

    private StageKind KindOf(string stage) =>
        _catalog.All.Select(d => d.TryGetStage(stage, out var s) ? s.Kind : StageKind.Open).FirstOrDefault(k => k != StageKind.Open);

    private Func<int, int> Ranks(PipelineDimension? dimension) => dimension switch
    {
        PipelineDimension.Partner => Ranks(_partners.Items, (a, b) => string.CompareOrdinal(a.Value, b.Value)),
        PipelineDimension.Region => Ranks<string?>([.. _regions.Items], CompareLabels),
        PipelineDimension.ProductLine => Ranks<string?>([.. _products.Items], CompareLabels),
        _ => code => code, // stages are interned in pipeline order; categories and periods by value
    };

    private static Func<int, int> Ranks<T>(List<T> items, Comparison<T> comparison)
    {
        var order = Enumerable.Range(0, items.Count).ToArray();
        Array.Sort(order, (a, b) => comparison(items[a], items[b]));
        var rank = new int[items.Count];
        for (var r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
        }

        return code => rank[code];
    }

    private static int CompareLabels(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1 : string.CompareOrdinal(a, b);

    private PipelineRow ToRow(in LiveRow row) =>
        new(_partners.Items[row.Partner],
            ExactMath.ToMoney(row.Amount, _currencies.Items[row.Currency]),
            _stages.Items[row.Stage],
            Probability.FromBasisPoints(row.BasisPoints),
            (ForecastCategory)row.Category,
            _options.FiscalCalendar.PeriodOfMonth(row.Month + (2000 * 12), PeriodKind.Month).Start)
        {
            Region = _regions.Items[row.Region],
            ProductLine = _products.Items[row.Product],
        };

    private struct LiveRow
    {
        public PipelineDefinition Definition;
        public long Amount;
        public long LastSequence;
        public long Version;
        public int Partner;
        public int StageIndex;
        public ushort BasisPoints;
        public short ProbabilityOverride;
        public short Month;
        public short ExpectedMonth;
        public ushort Region;
        public ushort Product;
        public byte Stage;
        public byte Category;
        public sbyte CategoryOverride;
        public byte Currency;
        public StageKind Kind;
        public bool Included;
    }

    private readonly record struct GroupKey(int A, int B, int Currency);

    private sealed class GroupingState(PipelineGrouping grouping)
    {
        public PipelineGrouping Grouping { get; } = grouping;

        public Dictionary<GroupKey, int> Slots { get; } = [];

        public List<GroupKey> Keys { get; } = [];

        public List<long> Count { get; } = [];

        public List<Int128> Amount { get; } = [];

        public List<Int128> Weighted { get; } = [];

        /// <summary>Slots in display order, as of the last read; stale once a slot is added.</summary>
        public int[]? Order { get; set; }
    }

    /// <summary>Label → code, codes in order of first appearance; with <c>hasNone</c> code 0 is "(none)" (null).</summary>
    private sealed class Interner<T>
        where T : notnull
    {
        private readonly Dictionary<T, int> _codes;
        private readonly bool _hasNone;

        public Interner(IEqualityComparer<T>? comparer = null, bool hasNone = false)
        {
            _codes = new Dictionary<T, int>(comparer);
            _hasNone = hasNone;
            if (hasNone)
            {
                Items.Add(default!);
            }
        }

        public List<T> Items { get; } = [];

        public bool TryGetCode(T? value, out int code)
        {
            code = 0;
            if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
            {
                return _hasNone;
            }

            if (value is string text)
            {
                value = (T)(object)text.Trim();
            }

            return _codes.TryGetValue(value!, out code);
        }

        public int Intern(T? value)
        {
            if (_hasNone && (value is null || (value is string s && string.IsNullOrWhiteSpace(s))))
            {
                return 0;
            }

            if (value is string text)
            {
                value = (T)(object)text.Trim();
            }

            if (!_codes.TryGetValue(value!, out var code))
            {
                code = Items.Count;
                _codes.Add(value!, code);
                Items.Add(value!);
            }

            return code;
        }
    }
}
