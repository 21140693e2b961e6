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
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

internal sealed partial class PostgreSqlOpportunityStore : IPipelineRowSource
{
    /// <inheritdoc />
    /// <remarks>
    /// One binary <c>COPY (SELECT …) TO STDOUT</c> of the pipeline columns in a transaction of the
    /// scope, so row-level security applies; quarantined records are left out, as
    /// <see cref="QueryAsync(AccessScope, OpportunityQuery, CancellationToken)"/> leaves them out.
    /// PostgreSQL reads the pipeline index only (migration 18), in its order, so a partner's deals
    /// arrive together. The raw stream is parsed here (<see cref="PgCopyRows"/>): no await and no
    /// object per column, and each distinct partner, stage, currency, region and product line becomes
    /// one string however many rows repeat it.
    /// </remarks>
    public async IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = OpportunityTelemetry.StartStoreActivity(PostgreSqlStore.DbSystem, nameof(ReadPipelineRowsAsync), scope.Tenant.Value);
        var (connection, transaction) = await db.BeginAsync(DbScope.Of(scope), cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            // COPY takes no parameters: the scope goes in as quoted literals (and row-level security checks it again).
            var sql = $"""
                COPY (SELECT partner, stage, stage_kind, amount_minor, currency, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products,
                             CASE WHEN amount_minor > {Money.MaxDealMinorUnits} THEN id END
                      FROM {_schema}.opportunities r
                      WHERE {PipelineWhere(scope, includeClosedWon, Literal)}) TO STDOUT (FORMAT BINARY)
                """;
            // One process scans: the rows then arrive in the index's order (a partner's deals together), and
            // the backend that writes the COPY stream would serialise every row anyway; parallel workers
            // only add the hand-over of each row to it.
            await ExecuteAsync(connection, transaction, "SET LOCAL max_parallel_workers_per_gather = 0;", cancellationToken).ConfigureAwait(false);
            using var stream = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false);
            var rows = new PgCopyRows(stream, 13);
            var values = new PipelineRowValues();
            while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!rows.IsNull(12))
                {
                    throw PipelineRowValues.AmountOutOfRange(rows.Utf8(12), rows.Int64(3));
                }

                yield return new StoredPipelineRow(
                    values.Partner(rows.Utf8(0)),
                    values.Stage(rows.Utf8(1)),
                    (StageKind)rows.Int16(2),
                    rows.Int64(3),
                    values.Currency(rows.Utf8(4)),
                    Probability.FromBasisPoints(rows.Int16(5)),
                    (ForecastCategory)rows.Int16(6),
                    rows.Date(7) ?? throw new StoreDataException(nameof(SalesOpportunity), null, nameof(SalesOpportunity.ExpectedClose), "A stored expected close date is infinite or outside the years 1 to 9999."),
                    rows.IsNull(8) ? null : rows.Timestamp(8) ?? throw new StoreDataException(nameof(SalesOpportunity), null, nameof(SalesOpportunity.ClosedAt), "A stored close instant is infinite or outside the range of an instant."))
                {
                    Region = rows.IsNull(9) ? null : values.Region(rows.Utf8(9)),
                    ProductLine = rows.IsNull(10) ? null : values.ProductLine(rows.Utf8(10)),
                    Products = rows.IsNull(11) ? null : StoredValues.ReadProducts(null, Encoding.UTF8.GetString(rows.Utf8(11))),
                };
            }
        }
    }

    /// <summary>The deals of the pipeline in <paramref name="scope"/>: open (and closed-won) rows with filled pipeline columns, not quarantined.</summary>
    internal string PipelineWhere(AccessScope scope, bool includeClosedWon, Func<string, string> value)
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

    /// <summary>A string literal (standard-conforming strings: only the quote is doubled).</summary>
    internal static string Literal(string value) =>
        value.Contains('\0', StringComparison.Ordinal)
            ? throw new ArgumentException("A value for the database must not contain NUL.", nameof(value))
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
