using System.Collections.Concurrent;
using System.Globalization;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The pipeline push-down (<see cref="IPipelinePushDown"/>) of a <see cref="PostgreSqlStore"/>: the
/// weighted pipeline grouped in SQL over the opportunities' pipeline columns, with the deals the
/// opportunity store's pipeline rows select (<see cref="PostgreSqlOpportunityStore.PipelineWhere"/>).
/// </summary>
internal sealed class PostgreSqlPipelinePushDown(PostgreSqlStore db, PostgreSqlOpportunityStore opportunities) : IPipelinePushDown
{
    private readonly string _schema = db.SchemaName;

    /// <summary>The months a non-UTC reporting zone is resolved for: those of a pipeline snapshot (up to 2000 + 2,730 years) from the year 2 on (.NET's <see cref="DateTime"/> starts at the year 1).</summary>
    private const int FirstBoundaryMonth = 2 * 12;
    private const int BoundaryMonths = (2000 * 12) + short.MaxValue + 2 - FirstBoundaryMonth;

    /// <summary>Per reporting zone, the instant each month begins there (see <see cref="MonthExpression"/>).</summary>
    private static readonly ConcurrentDictionary<DateTimeZone, DateTime[]> MonthStarts = new();

    /// <inheritdoc />
    /// <remarks>
    /// One <c>GROUP BY</c> over the pipeline columns (migration 11): <c>count(*)</c>,
    /// <c>sum(amount_minor)</c> and <c>sum(amount_minor * probability_bp)</c> — exact, as a product
    /// of one deal fits a <c>bigint</c> and PostgreSQL sums <c>bigint</c> into <c>numeric</c>; nothing is
    /// rounded in SQL. Close periods are grouped by month (the expected close, or for a closed deal the
    /// month it closed in the reporting zone) and rolled up to quarters and years by
    /// <see cref="PipelineGroupCollector"/>. One backend scans the pipeline index in its order and
    /// aggregates as the groups arrive: a parallel index scan hands the index out page by page and
    /// merges sorted partial groups, and measured 2–3× slower than the serial plan on a busy
    /// machine (docs/performance.md).
    /// </remarks>
    public async Task<IReadOnlyList<PipelineGroupTotal>> AggregatePipelineAsync(AccessScope scope, PipelineGrouping grouping, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var collector = new PipelineGroupCollector(grouping, options);
        var zone = collector.Options.ReportingZone;
        List<object?> parameters = [];
        string Parameter(string value)
        {
            parameters.Add(value);
            return $"${parameters.Count}";
        }

        var where = opportunities.PipelineWhere(scope, collector.Options.IncludeClosedWon, Parameter);
        var first = KeyExpression(grouping.First, zone, parameters);
        var second = KeyExpression(grouping.Second, zone, parameters);
        // By product, a deal with lines is one row per product of its products column, carrying that
        // product's amount; a deal without lines keeps its own amount under a null product, "(none)".
        var byProduct = grouping.First == PipelineDimension.Product || grouping.Second == PipelineDimension.Product;
        var from = byProduct ? $"{_schema}.opportunities r LEFT JOIN LATERAL jsonb_array_elements(r.products::jsonb) p(product) ON true" : $"{_schema}.opportunities r";
        var amount = byProduct ? "coalesce((p.product ->> 1)::bigint, r.amount_minor)" : "amount_minor";
        var sql = $"""
            SELECT {first}, {second}, currency, count(*), sum({amount})::text, sum({amount} * probability_bp)::text
            FROM {from}
            WHERE {where}
            GROUP BY 1, 2, 3;
            """;
        var rows = await db.ReadListAsync(
            DbScope.Of(scope),
            sql,
            parameters,
            r => (First: r.IsDBNull(0) ? null : r.GetString(0), Second: r.IsDBNull(1) ? null : r.GetString(1), Currency: r.GetString(2), Count: r.GetInt64(3), Amount: r.GetString(4), Weighted: r.GetString(5)),
            cancellationToken,
            serialPlan: true).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if ((grouping.First is not null && IsPeriod(grouping.First.Value) && row.First is null) || (grouping.Second is not null && IsPeriod(grouping.Second.Value) && row.Second is null))
            {
                throw new StoreDataException(nameof(SalesOpportunity), null, "ClosedAt", "A deal closed before the year 2 or after the years a pipeline snapshot can hold (2000 + 2,730).");
            }

            collector.Add(
                row.First,
                row.Second,
                StoredValues.ReadCurrency(nameof(SalesOpportunity), null, row.Currency),
                row.Count,
                Int128.Parse(row.Amount, CultureInfo.InvariantCulture),
                Int128.Parse(row.Weighted, CultureInfo.InvariantCulture));
        }

        return collector.ToGroups();
    }

    /// <summary>The raw key of a dimension as text (see <see cref="PipelineGroupCollector.Add"/>).</summary>
    private static string KeyExpression(PipelineDimension? dimension, DateTimeZone zone, List<object?> parameters) => dimension switch
    {
        null => "NULL::text",
        PipelineDimension.Partner => "r.partner::text",
        PipelineDimension.Stage => "r.stage",
        PipelineDimension.ForecastCategory => "r.forecast_category::text",
        PipelineDimension.Region => "r.region",
        PipelineDimension.ProductLine => "r.product_line",
        PipelineDimension.Product => "p.product ->> 0",
        _ => MonthExpression(zone, parameters) + "::text",
    };

    /// <summary>
    /// The close month (year × 12 + month − 1): of the expected close date, or of the instant a closed
    /// deal closed, read in the reporting zone. UTC in SQL; any other zone through the instants at which
    /// its months begin (computed with NodaTime, so every zone and rule NodaTime knows is honoured),
    /// found by <c>width_bucket</c>'s binary search; outside them, null.
    /// </summary>
    private static string MonthExpression(DateTimeZone zone, List<object?> parameters)
    {
        const string Open = "(extract(year FROM r.expected_close)::int * 12 + extract(month FROM r.expected_close)::int - 1)";
        if (zone == DateTimeZone.Utc)
        {
            return $"(CASE WHEN r.closed_at IS NULL THEN {Open} ELSE extract(year FROM r.closed_at AT TIME ZONE 'UTC')::int * 12 + extract(month FROM r.closed_at AT TIME ZONE 'UTC')::int - 1 END)";
        }

        parameters.Add(MonthStarts.GetOrAdd(zone, static z =>
        {
            var starts = new DateTime[BoundaryMonths];
            for (var i = 0; i < starts.Length; i++)
            {
                var month = FirstBoundaryMonth + i;
                starts[i] = PgValues.Floor(z.AtStartOfDay(new LocalDate(Math.DivRem(month, 12, out var m) - (m < 0 ? 1 : 0), ((m + 12) % 12) + 1, 1)).ToInstant());
            }

            return starts;
        }));
        var boundaries = $"${parameters.Count}::timestamptz[]";
        return $"(CASE WHEN r.closed_at IS NULL THEN {Open} ELSE NULLIF(width_bucket(r.closed_at, {boundaries}) % {BoundaryMonths}, 0) + {FirstBoundaryMonth - 1} END)";
    }

    private static bool IsPeriod(PipelineDimension dimension) =>
        dimension is PipelineDimension.CloseMonth or PipelineDimension.CloseQuarter or PipelineDimension.CloseFiscalYear;
}
