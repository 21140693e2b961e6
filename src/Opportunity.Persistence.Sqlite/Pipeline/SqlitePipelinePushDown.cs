using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The pipeline push-down of a <see cref="SqliteStore"/>: the weighted pipeline grouped in SQL over the opportunities' pipeline index, with Core's grouping and semantics.</summary>
internal sealed class SqlitePipelinePushDown(SqliteStore store) : IPipelinePushDown
{
    /// <summary>The close month function of the push-down (see <see cref="CloseMonth"/>).</summary>
    private const string CloseMonthFunction = "opportunity_close_month";

    /// <inheritdoc />
    /// <remarks>
    /// One <c>GROUP BY</c> over the pipeline index (migration 18): <c>count(*)</c>,
    /// <c>sum(amount_minor)</c> and <c>sum(amount_minor * probability_bp)</c> (a product of one deal
    /// fits 64 bits). SQLite refuses a sum beyond 64 bits ("integer overflow") rather than rounding it;
    /// then the sums are taken again in two 32-bit halves and joined in 128 bits, still exact. Close
    /// periods are grouped by month through a function of the connection that reads the dates with
    /// NodaTime (a closed deal's instant in the reporting zone) and rolled up to quarters and years
    /// by <see cref="PipelineGroupCollector"/>.
    /// </remarks>
    public async Task<IReadOnlyList<PipelineGroupTotal>> AggregatePipelineAsync(AccessScope scope, PipelineGrouping grouping, PipelineSnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var collector = new PipelineGroupCollector(grouping, options);
        var zone = collector.Options.ReportingZone;
        using var activity = OpportunityTelemetry.StartStoreActivity(SqliteStore.DbSystem, nameof(AggregatePipelineAsync), scope.Tenant.Value);
        using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        var (where, parameters) = await SqliteOpportunityStore.PipelineWhereAsync(connection, transaction, scope, collector.Options.IncludeClosedWon, cancellationToken).ConfigureAwait(false);
        connection.CreateFunction<string, string?, long>(CloseMonthFunction, (expected, closed) => CloseMonth(expected, closed, zone), isDeterministic: true);
        var keys = $"{KeyExpression(grouping.First)}, {KeyExpression(grouping.Second)}, currency";

        // By product, a deal with lines is one row per product of its products column (json_each,
        // still from the index), carrying that product's amount; a deal without lines keeps its own
        // amount under a null product, "(none)".
        var byProduct = grouping.First == PipelineDimension.Product || grouping.Second == PipelineDimension.Product;
        var from = byProduct ? "opportunities r INDEXED BY opportunities_pipeline LEFT JOIN json_each(r.products) p" : "opportunities r INDEXED BY opportunities_pipeline";
        var amountExpression = byProduct ? "coalesce(json_extract(p.value, '$[1]'), amount_minor)" : "amount_minor";
        try
        {
            await ReadGroupsAsync(
                $"SELECT {keys}, count(*), sum({amountExpression}), sum({amountExpression} * probability_bp) FROM {from} WHERE {where} GROUP BY 1, 2, 3;",
                r => (r.GetInt64(4), (Int128)r.GetInt64(5))).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.Message.Contains("integer overflow", StringComparison.Ordinal))
        {
            collector = new PipelineGroupCollector(grouping, options);
            await ReadGroupsAsync(
                $"""
                SELECT {keys}, count(*), sum({amountExpression} >> 32), sum({amountExpression} & 4294967295),
                       sum(({amountExpression} * probability_bp) >> 32), sum(({amountExpression} * probability_bp) & 4294967295)
                FROM {from} WHERE {where} GROUP BY 1, 2, 3;
                """,
                r => (((Int128)r.GetInt64(4) << 32) + r.GetInt64(5), ((Int128)r.GetInt64(6) << 32) + r.GetInt64(7))).ConfigureAwait(false);
        }

        return collector.ToGroups();

        async Task ReadGroupsAsync(string sql, Func<SqliteDataReader, (Int128 Amount, Int128 Weighted)> sums)
        {
            using var command = Command(connection, transaction, sql, [.. parameters]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (amount, weighted) = sums(reader);
                collector.Add(
                    reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                    reader.IsDBNull(1) ? null : Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    StoredValues.ReadCurrency(nameof(SalesOpportunity), null, reader.GetString(2)),
                    reader.GetInt64(3),
                    amount,
                    weighted);
            }
        }
    }

    /// <summary>The raw key of a dimension (see <see cref="PipelineGroupCollector.Add"/>).</summary>
    private static string KeyExpression(PipelineDimension? dimension) => dimension switch
    {
        null => "NULL",
        PipelineDimension.Partner => "partner",
        PipelineDimension.Stage => "stage",
        PipelineDimension.ForecastCategory => "forecast_category",
        PipelineDimension.Region => "region",
        PipelineDimension.ProductLine => "product_line",
        PipelineDimension.Product => "json_extract(p.value, '$[0]')",
        _ => $"{CloseMonthFunction}(expected_close, closed_at)",
    };

    /// <summary>The close month (year × 12 + month − 1): of the expected close date, or of the instant a closed deal closed, in <paramref name="zone"/>.</summary>
    private static long CloseMonth(string expectedClose, string? closedAt, DateTimeZone zone)
    {
        var date = closedAt is null ? LocalDatePattern.Iso.Parse(expectedClose).Value : SqliteText.ToInstant(closedAt).InZone(zone).Date;
        return (date.Year * 12L) + date.Month - 1;
    }
}
