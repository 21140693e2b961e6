using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore : IPipelineRowSource, IPipelinePushDown
{
    /// <summary>The months a non-UTC reporting zone is resolved for: those of a pipeline snapshot (up to 2000 + 2,730 years) from the year 2 on (.NET's <see cref="DateTime"/> starts at the year 1).</summary>
    private const int FirstBoundaryMonth = 2 * 12;
    private const int BoundaryMonths = (2000 * 12) + short.MaxValue + 2 - FirstBoundaryMonth;

    /// <summary>Per reporting zone, the instant each month begins there (see <see cref="MonthExpression"/>).</summary>
    private static readonly ConcurrentDictionary<DateTimeZone, DateTime[]> MonthStarts = new();

    /// <inheritdoc />
    /// <remarks>
    /// Binary <c>COPY (SELECT …) TO STDOUT</c> of the pipeline columns in transactions of the scope,
    /// so row-level security applies; quarantined records are left out, as
    /// <see cref="QueryAsync(AccessScope, OpportunityQuery, CancellationToken)"/> leaves them out.
    /// PostgreSQL reads the pipeline index only (migration 18), in its order, so a partner's deals
    /// arrive together. A large tenant is copied by two connections over disjoint partner ranges on
    /// one exported snapshot (<see cref="PgPipelineRowReader"/>); the raw stream is parsed here
    /// (<see cref="PgCopyRows"/>).
    /// </remarks>
    public IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        ReadPipelineRowsAsync(scope, includeClosedWon, PgPipelineRowReader.DefaultReaders, PgPipelineRowReader.DefaultRowsPerReader, cancellationToken);

    /// <summary>The row stream read by up to <paramref name="readers"/> connections, a second one only when the table holds at least 2 × <paramref name="rowsPerReader"/> rows.</summary>
    internal async IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, int readers, long rowsPerReader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(ReadPipelineRowsAsync), scope.Tenant.Value);
        if (_autoMigrate && !_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        // COPY takes no parameters: the scope goes in as quoted literals (and row-level security checks it again).
        var rows = PgPipelineRowReader.ReadAsync(_dataSource.OpenConnectionAsync, $"{_schema}.opportunities", scope, PipelineWhere(scope, includeClosedWon, Literal), Literal, readers, rowsPerReader, cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return row;
        }
    }

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

        var where = PipelineWhere(scope, collector.Options.IncludeClosedWon, Parameter);
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
        var rows = await ReadListAsync(
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

    /// <summary>
    /// Fills the pipeline columns of every stored opportunity from its document; part of migration 11's
    /// transaction, which reads every tenant (<c>opportunity.system</c>).
    /// </summary>
    private async Task FillPipelineColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, short Kind, short BasisPoints, short Category, DateTime? ClosedAt)>();
        using (var select = new NpgsqlCommand($"SELECT tenant, id, document::text FROM {_schema}.opportunities;", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TryPipelineRow(reader.GetString(1), reader.GetString(2)) is { } row)
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), (short)row.Kind, (short)row.Probability.BasisPoints, (short)row.Category, row.ClosedAt is { } at ? PgValues.Floor(at) : null));
                }
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"""
                UPDATE {_schema}.opportunities o SET stage_kind = p.kind, probability_bp = p.bp, forecast_category = p.category, closed_at = p.closed_at
                FROM unnest($1::text[], $2::text[], $3::smallint[], $4::smallint[], $5::smallint[], $6::timestamptz[]) AS p(tenant, id, kind, bp, category, closed_at)
                WHERE o.tenant = p.tenant AND o.id = p.id;
                """,
                [
                    batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Kind).ToArray(),
                    batch.Select(r => r.BasisPoints).ToArray(), batch.Select(r => r.Category).ToArray(), batch.Select(r => r.ClosedAt).ToArray(),
                ]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills the products column (migration 43) of every stored opportunity whose document has lines;
    /// part of the migration's transaction, which reads every tenant (<c>opportunity.system</c>). An
    /// unreadable document is left as it is (null: no products).
    /// </summary>
    private async Task FillProductsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, string Products)>();
        using (var select = new NpgsqlCommand($"SELECT tenant, id, document::text FROM {_schema}.opportunities WHERE document ? 'Lines';", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (StoredValues.ProductsColumn(ToOpportunity(reader.GetString(1), 1, reader.GetString(2)).ToSnapshot()) is { } products)
                    {
                        rows.Add((reader.GetString(0), reader.GetString(1), products));
                    }
                }
                catch (StoreDataException)
                {
                    // Unreadable: quarantined when read, out of the pipeline; nothing to fill.
                }
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"UPDATE {_schema}.opportunities o SET products = p.products FROM unnest($1::text[], $2::text[], $3::text[]) AS p(tenant, id, products) WHERE o.tenant = p.tenant AND o.id = p.id;",
                [batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Products).ToArray()]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pipeline row of a stored document, or null when it cannot be read (the row stays out of the pipeline).</summary>
    private StoredPipelineRow? TryPipelineRow(string id, string json)
    {
        try
        {
            return StoredPipelineRow.Of(ToOpportunity(id, 1, json));
        }
        catch (StoreDataException)
        {
            return null;
        }
    }

    /// <summary>The deals of the pipeline in <paramref name="scope"/>: open (and closed-won) rows with filled pipeline columns, not quarantined.</summary>
    private string PipelineWhere(AccessScope scope, bool includeClosedWon, Func<string, string> value)
    {
        var where = $"r.tenant = {value(scope.Tenant.Value)}";
        if (scope.Partner is { } partner)
        {
            where += $" AND r.partner = {value(partner.Value)}";
        }

        // Quarantined deals: NOT IN an uncorrelated subquery, hashed once per statement (NOT EXISTS became a
        // nested loop probing the quarantine per deal: the planner cannot estimate the row-level security
        // filter and expected a few thousand deals, not millions). Even hashed, the probe cost about as much
        // as the rest of a deal's work, so it runs only when the tenant has quarantined opportunities at
        // all: the guard is evaluated once per statement, in the statement's own snapshot.
        var tenant = value(scope.Tenant.Value);
        var quarantined = $"SELECT q.id FROM {_schema}.quarantine q WHERE q.tenant = {tenant} AND q.kind = 'SalesOpportunity'";
        return where + $" AND r.stage_kind {(includeClosedWon ? "IN (0, 1)" : "= 0")}"
            + $" AND (NOT EXISTS ({quarantined}) OR r.id NOT IN ({quarantined}))";
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

    /// <summary>A string literal (standard-conforming strings: only the quote is doubled).</summary>
    private static string Literal(string value) =>
        value.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException("A value for the database must not contain NUL.", nameof(value))
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
