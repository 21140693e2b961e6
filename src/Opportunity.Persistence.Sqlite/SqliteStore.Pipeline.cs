using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore : IPipelineRowSource, IPipelinePushDown
{
    /// <summary>The close month function of the push-down (see <see cref="CloseMonth"/>).</summary>
    private const string CloseMonthFunction = "opportunity_close_month";

    /// <inheritdoc />
    /// <remarks>
    /// One <c>SELECT</c> of the pipeline columns (migration 11) on a connection of its own (WAL:
    /// never waits for the writer); quarantined records are left out, as
    /// <see cref="QueryAsync(AccessScope, OpportunityQuery, CancellationToken)"/> leaves them out.
    /// Dates of the form <c>yyyy-MM-dd</c> arrive as three integers, so no text is read for them.
    /// </remarks>
    public async IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(ReadPipelineRowsAsync), scope.Tenant.Value);
        var (where, parameters) = PipelineWhere(scope, includeClosedWon);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(
            connection,
            null,
            $"""
            SELECT partner, stage, stage_kind, amount_minor, currency, probability_bp, forecast_category,
                   CASE WHEN length(expected_close) = 10 THEN CAST(substr(expected_close, 1, 4) AS INTEGER) END,
                   CAST(substr(expected_close, 6, 2) AS INTEGER), CAST(substr(expected_close, 9, 2) AS INTEGER),
                   CASE WHEN length(expected_close) <> 10 THEN expected_close END,
                   closed_at, region, product_line, CASE WHEN amount_minor > {Money.MaxDealMinorUnits} THEN id END
            FROM opportunities r
            WHERE {where};
            """,
            [.. parameters]);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? lastStage = null, lastCurrencyText = null;
        var currency = default(CurrencyCode);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(14))
            {
                // Written before the one deal limit was enforced: name the deal.
                throw new StoreDataException(nameof(SalesOpportunity), reader.GetString(14), nameof(SalesOpportunity.Amount), $"Stored amount of {reader.GetInt64(3)} minor units is outside the range of one deal, 0 to {Money.MaxDealMinorUnits}.");
            }

            // Consecutive rows mostly share stage and currency: keep one instance of each.
            var stage = reader.GetString(1);
            stage = stage == lastStage ? lastStage : lastStage = stage;
            var currencyText = reader.GetString(4);
            if (currencyText != lastCurrencyText)
            {
                currency = StoredValues.ReadCurrency(nameof(SalesOpportunity), null, currencyText);
                lastCurrencyText = currencyText;
            }

            var expectedClose = reader.IsDBNull(7)
                ? LocalDatePattern.Iso.Parse(reader.GetString(10)).Value
                : new LocalDate(reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9));
            yield return new StoredPipelineRow(
                new PartnerId(reader.GetString(0)),
                stage,
                (StageKind)reader.GetInt32(2),
                reader.GetInt64(3),
                currency,
                Probability.FromBasisPoints(reader.GetInt32(5)),
                (ForecastCategory)reader.GetInt32(6),
                expectedClose,
                reader.IsDBNull(11) ? null : SqliteText.ToInstant(reader.GetString(11)))
            {
                Region = reader.IsDBNull(12) ? null : reader.GetString(12),
                ProductLine = reader.IsDBNull(13) ? null : reader.GetString(13),
            };
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One <c>GROUP BY</c> over the pipeline columns (migration 11): <c>count(*)</c>,
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
        var (where, parameters) = PipelineWhere(scope, collector.Options.IncludeClosedWon);
        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, nameof(AggregatePipelineAsync), scope.Tenant.Value);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        connection.CreateFunction<string, string?, long>(CloseMonthFunction, (expected, closed) => CloseMonth(expected, closed, zone), isDeterministic: true);
        var keys = $"{KeyExpression(grouping.First)}, {KeyExpression(grouping.Second)}, currency";
        try
        {
            await ReadGroupsAsync(
                $"SELECT {keys}, count(*), sum(amount_minor), sum(amount_minor * probability_bp) FROM opportunities r WHERE {where} GROUP BY 1, 2, 3;",
                r => (r.GetInt64(4), (Int128)r.GetInt64(5))).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.Message.Contains("integer overflow", StringComparison.Ordinal))
        {
            collector = new PipelineGroupCollector(grouping, options);
            await ReadGroupsAsync(
                $"""
                SELECT {keys}, count(*), sum(amount_minor >> 32), sum(amount_minor & 4294967295),
                       sum((amount_minor * probability_bp) >> 32), sum((amount_minor * probability_bp) & 4294967295)
                FROM opportunities r WHERE {where} GROUP BY 1, 2, 3;
                """,
                r => (((Int128)r.GetInt64(4) << 32) + r.GetInt64(5), ((Int128)r.GetInt64(6) << 32) + r.GetInt64(7))).ConfigureAwait(false);
        }

        return collector.ToGroups();

        async Task ReadGroupsAsync(string sql, Func<SqliteDataReader, (Int128 Amount, Int128 Weighted)> sums)
        {
            using var command = Command(connection, null, sql, [.. parameters]);
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

    /// <summary>Fills the pipeline columns of every stored opportunity from its document; part of migration 11's transaction.</summary>
    private async Task FillPipelineColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(string Tenant, string Id, StoredPipelineRow Row)>();
        using (var select = Command(connection, transaction, "SELECT tenant, id, document FROM opportunities;"))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), StoredPipelineRow.Of(ToOpportunity(reader.GetString(1), 1, reader.GetString(2)))));
                }
                catch (StoreDataException)
                {
                    // Unreadable: the columns stay null and the row out of the pipeline until it is saved again.
                }
            }
        }

        using var update = Command(
            connection,
            transaction,
            "UPDATE opportunities SET stage_kind = $kind, probability_bp = $bp, forecast_category = $category, closed_at = $closed WHERE tenant = $tenant AND id = $id;",
            [("$tenant", null), ("$id", null), ("$kind", null), ("$bp", null), ("$category", null), ("$closed", null)]);
        foreach (var (tenant, id, row) in rows)
        {
            update.Parameters["$tenant"].Value = tenant;
            update.Parameters["$id"].Value = id;
            update.Parameters["$kind"].Value = (int)row.Kind;
            update.Parameters["$bp"].Value = row.Probability.BasisPoints;
            update.Parameters["$category"].Value = (int)row.Category;
            update.Parameters["$closed"].Value = SqliteText.OfOrNull(row.ClosedAt, nameof(SalesOpportunity), id, nameof(row.ClosedAt));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The deals of the pipeline in <paramref name="scope"/>: open (and closed-won) rows with filled pipeline columns, not quarantined.</summary>
    private static (string Where, List<(string Name, object? Value)> Parameters) PipelineWhere(AccessScope scope, bool includeClosedWon)
    {
        var (where, parameters) = OpportunityScope(scope);
        return ($"{where} AND stage_kind {(includeClosedWon ? "IN (0, 1)" : "= 0")} AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.tenant = r.tenant AND q.kind = 'SalesOpportunity' AND q.id = r.id)", parameters);
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
        _ => $"{CloseMonthFunction}(expected_close, closed_at)",
    };

    /// <summary>The close month (year × 12 + month − 1): of the expected close date, or of the instant a closed deal closed, in <paramref name="zone"/>.</summary>
    private static long CloseMonth(string expectedClose, string? closedAt, DateTimeZone zone)
    {
        var date = closedAt is null ? LocalDatePattern.Iso.Parse(expectedClose).Value : SqliteText.ToInstant(closedAt).InZone(zone).Date;
        return (date.Year * 12L) + date.Month - 1;
    }
}
