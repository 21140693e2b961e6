using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Opportunity.Diagnostics;
using Opportunity.Forecasting;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.Sqlite.Schema;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

internal sealed partial class SqliteOpportunityStore : IPipelineRowSource
{
    /// <inheritdoc />
    /// <remarks>
    /// <c>SELECT</c>s of the pipeline columns on connections of their own (WAL: never waits for the
    /// writer), answered from the pipeline index alone (migration 18), in its order, so a partner's
    /// deals arrive together. Quarantined records are left out, as
    /// <see cref="QueryAsync(AccessScope, OpportunityQuery, CancellationToken)"/> leaves them out
    /// (<see cref="PipelineWhereAsync"/>). A large tenant is read by two connections over disjoint
    /// partner ranges of one snapshot (<see cref="SqlitePipelineRowReader"/>). The statements are
    /// stepped on the native handle and their text read as UTF-8 spans: each distinct partner, stage,
    /// currency, region and product line becomes one string however many rows repeat it, and a date
    /// is read from its digits.
    /// </remarks>
    public IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        PipelineRowFanIn.Rows(ReadPipelineRowBatchesAsync(scope, includeClosedWon, cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The batches the readers fill, handed over as they are (<see cref="ReadPipelineRowsAsync(AccessScope, bool, CancellationToken)"/> is this, row by row).</remarks>
    public IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        ReadPipelineRowBatchesAsync(scope, includeClosedWon, SqlitePipelineRowReader.DefaultReaders, SqlitePipelineRowReader.DefaultRowsPerReader, cancellationToken);

    /// <summary>The row stream read by up to <paramref name="readers"/> connections, a second one only when the table holds at least 2 × <paramref name="rowsPerReader"/> rows.</summary>
    internal IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, int readers, long rowsPerReader, CancellationToken cancellationToken = default) =>
        PipelineRowFanIn.Rows(ReadPipelineRowBatchesAsync(scope, includeClosedWon, readers, rowsPerReader, cancellationToken), cancellationToken);

    /// <summary>The batches of <see cref="ReadPipelineRowsAsync(AccessScope, bool, int, long, CancellationToken)"/>.</summary>
    internal async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, int readers, long rowsPerReader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = OpportunityTelemetry.StartStoreActivity(SqliteStore.DbSystem, nameof(ReadPipelineRowsAsync), scope.Tenant.Value);
        using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: true);
        var (where, parameters) = await PipelineWhereAsync(connection, transaction, scope, includeClosedWon, cancellationToken).ConfigureAwait(false);
        var batches = SqlitePipelineRowReader.ReadAsync(connection, where, [.. parameters.Select(p => (string)p.Value!)], scope.Partner is not null, store.BusyTimeoutMilliseconds, readers, rowsPerReader, cancellationToken);
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            yield return batch;
        }
    }

    /// <summary>Fills the pipeline columns of every stored opportunity from its document; part of migration 11's transaction.</summary>
    internal async Task FillPipelineColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
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

    /// <summary>
    /// Fills the products column (migration 43) of every stored opportunity whose document has lines;
    /// part of the migration's transaction. An unreadable document is left as it is (null: no products).
    /// </summary>
    internal async Task FillProductsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(string Tenant, string Id, string Products)>();
        using (var select = Command(connection, transaction, "SELECT tenant, id, document FROM opportunities WHERE instr(document, '\"Lines\"') > 0;"))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var opportunity = ToOpportunity(reader.GetString(1), 1, reader.GetString(2));
                    if (StoredValues.ProductsColumn(opportunity.ToSnapshot()) is { } products)
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

        using var update = Command(connection, transaction, "UPDATE opportunities SET products = $products WHERE tenant = $tenant AND id = $id;", [("$tenant", null), ("$id", null), ("$products", null)]);
        foreach (var (tenant, id, products) in rows)
        {
            update.Parameters["$tenant"].Value = tenant;
            update.Parameters["$id"].Value = id;
            update.Parameters["$products"].Value = products;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The deals of the pipeline in <paramref name="scope"/>: open (and closed-won) rows with filled
    /// pipeline columns, not quarantined; parameters <c>?1</c> (tenant) and <c>?2</c> (partner). The
    /// condition repeats the pipeline index's own (SQLite uses a partial index only then), after the
    /// stage kind's equality: so written, the planner reads partner × stage groups in the index's order
    /// (otherwise it sorted them, and for a <c>GROUP BY</c> it preferred the partner index and a lookup
    /// of every row in the table, about 20 times slower at 10^6 — hence also <c>INDEXED BY</c> in the queries). A check per
    /// row against the quarantine costs as much as reading the row, so it is added only when the
    /// tenant has quarantined opportunities at all, which is asked in <paramref name="transaction"/>
    /// (the query that follows reads the same snapshot).
    /// </summary>
    internal static async Task<(string Where, List<(string Name, object? Value)> Parameters)> PipelineWhereAsync(SqliteConnection connection, SqliteTransaction transaction, AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken)
    {
        List<(string Name, object? Value)> parameters = [("?1", scope.Tenant.Value)];
        var where = "tenant = ?1";
        if (scope.Partner is { } partner)
        {
            parameters.Add(("?2", partner.Value));
            where += " AND partner = ?2";
        }

        where += $"{(includeClosedWon ? string.Empty : " AND stage_kind = 0")} AND {SqliteMigrations.PipelineIndexCondition}";
        using var quarantined = Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM quarantine WHERE tenant = $tenant AND kind = 'SalesOpportunity');", ("$tenant", scope.Tenant.Value));
        if (Convert.ToInt64(await quarantined.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0)
        {
            where += " AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.tenant = r.tenant AND q.kind = 'SalesOpportunity' AND q.id = r.id)";
        }

        return (where, parameters);
    }

    /// <summary>A stored expected close: <c>yyyy-MM-dd</c> read from its digits, anything else through the ISO pattern.</summary>
    /// <summary>
    /// The pipeline columns at <paramref name="first"/>: partner, stage, stage_kind, amount_minor,
    /// currency, probability_bp, forecast_category, expected_close, closed_at, region, product_line, products —
    /// the order of the pipeline index, read by the row stream and the change feed alike.
    /// </summary>
    internal static StoredPipelineRow ReadPipelineRow(SqliteBoundStatement rows, int first, PipelineRowValues values) =>
        new(
            values.Partner(rows.Utf8(first)),
            values.Stage(rows.Utf8(first + 1)),
            (StageKind)rows.Int64(first + 2),
            rows.Int64(first + 3),
            values.Currency(rows.Utf8(first + 4)),
            Probability.FromBasisPoints((int)rows.Int64(first + 5)),
            (ForecastCategory)rows.Int64(first + 6),
            ReadDate(rows.Utf8(first + 7)),
            rows.IsNull(first + 8) ? null : SqliteText.ToInstant(Encoding.UTF8.GetString(rows.Utf8(first + 8))))
        {
            Region = rows.IsNull(first + 9) ? null : values.Region(rows.Utf8(first + 9)),
            ProductLine = rows.IsNull(first + 10) ? null : values.ProductLine(rows.Utf8(first + 10)),
            Products = rows.IsNull(first + 11) ? null : StoredValues.ReadProducts(null, Encoding.UTF8.GetString(rows.Utf8(first + 11))),
        };

    private static LocalDate ReadDate(ReadOnlySpan<byte> text)
    {
        if (text.Length == 10 && text[4] == (byte)'-' && text[7] == (byte)'-'
            && Utf8Parser.TryParse(text[..4], out int year, out var y) && y == 4
            && Utf8Parser.TryParse(text.Slice(5, 2), out int month, out var m) && m == 2
            && Utf8Parser.TryParse(text.Slice(8, 2), out int day, out var d) && d == 2)
        {
            return new LocalDate(year, month, day);
        }

        return LocalDatePattern.Iso.Parse(Encoding.UTF8.GetString(text)).Value;
    }
}
