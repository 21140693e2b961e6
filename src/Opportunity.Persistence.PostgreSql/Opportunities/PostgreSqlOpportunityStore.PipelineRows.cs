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
    /// Binary <c>COPY (SELECT …) TO STDOUT</c> of the pipeline columns in transactions of the scope,
    /// so row-level security applies; quarantined records are left out, as
    /// <see cref="QueryAsync(AccessScope, OpportunityQuery, CancellationToken)"/> leaves them out.
    /// PostgreSQL reads the pipeline index only (migration 18), in its order, so a partner's deals
    /// arrive together. A large tenant is copied by two connections over disjoint partner ranges on
    /// one exported snapshot (<see cref="PgPipelineRowReader"/>); the raw stream is parsed here
    /// (<see cref="PgCopyRows"/>).
    /// </remarks>
    public IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        PipelineRowFanIn.Rows(ReadPipelineRowBatchesAsync(scope, includeClosedWon, cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The batches the <c>COPY</c> readers fill, handed over as they are (<see cref="ReadPipelineRowsAsync(AccessScope, bool, CancellationToken)"/> is this, row by row).</remarks>
    public IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, CancellationToken cancellationToken = default) =>
        ReadPipelineRowBatchesAsync(scope, includeClosedWon, PgPipelineRowReader.DefaultReaders, PgPipelineRowReader.DefaultRowsPerReader, cancellationToken);

    /// <summary>The row stream read by up to <paramref name="readers"/> connections, a second one only when the table holds at least 2 × <paramref name="rowsPerReader"/> rows.</summary>
    internal IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, int readers, long rowsPerReader, CancellationToken cancellationToken = default) =>
        PipelineRowFanIn.Rows(ReadPipelineRowBatchesAsync(scope, includeClosedWon, readers, rowsPerReader, cancellationToken), cancellationToken);

    /// <summary>The batches of <see cref="ReadPipelineRowsAsync(AccessScope, bool, int, long, CancellationToken)"/>.</summary>
    internal async IAsyncEnumerable<ReadOnlyMemory<StoredPipelineRow>> ReadPipelineRowBatchesAsync(AccessScope scope, bool includeClosedWon, int readers, long rowsPerReader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var activity = OpportunityTelemetry.StartStoreActivity(PostgreSqlStore.DbSystem, nameof(ReadPipelineRowsAsync), scope.Tenant.Value);
        await db.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);

        // COPY takes no parameters: the scope goes in as quoted literals (and row-level security checks it again).
        var batches = PgPipelineRowReader.ReadAsync(db.DataSource.OpenConnectionAsync, $"{_schema}.opportunities", scope, PipelineWhere(scope, includeClosedWon, Literal), Literal, readers, rowsPerReader, cancellationToken);
        await foreach (var batch in batches.ConfigureAwait(false))
        {
            yield return batch;
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
