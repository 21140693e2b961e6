using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Diagnostics;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Inserts (version 0) or version-checked updates an aggregate row and appends its pending
    /// events to the outbox, in one transaction of the aggregate's tenant; marks the aggregate
    /// committed after the commit.
    /// </summary>
    internal async Task SaveAsync(AggregateRow row, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        var messages = row.Aggregate.PendingEvents.Select(OutboxMessage.FromDomainEvent).ToList();
        await RunAsync(
            DbScope.Of(row.Aggregate.Tenant),
            async (connection, transaction) =>
            {
                await WriteRowAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                await InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, [row.Aggregate], cancellationToken).ConfigureAwait(false);
                Fault("after-outbox");
                return 0;
            },
            cancellationToken,
            operation: operation).ConfigureAwait(false);
        row.Aggregate.MarkCommitted(row.Aggregate.Version + 1);
    }

    /// <summary>
    /// Inside the caller's transaction: inserts (version 0) or version-checked updates one
    /// aggregate row. A version mismatch throws <see cref="ConcurrencyException"/>; a second
    /// opportunity for a source lead lets the unique violation through (the transaction is
    /// aborted, so the caller reads the existing opportunity after the rollback).
    /// </summary>
    internal async Task WriteRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AggregateRow row, CancellationToken cancellationToken)
    {
        var (aggregate, table, document, columns) = row;
        var n = columns.Count;
        // The document goes in as json: leads keep its text as written (migration 10), opportunities' jsonb column converts it.
        var sql = aggregate.Version == 0
            ? $"INSERT INTO {_schema}.{table} (tenant, id, version, document, {string.Join(", ", columns.Select(c => c.Column))}) VALUES ($1, $2, $3, $4::json, {string.Join(", ", Enumerable.Range(6, n).Select(i => $"${i}"))}) ON CONFLICT (tenant, id) DO NOTHING;"
            : $"UPDATE {_schema}.{table} SET version = $3, document = $4::json, {string.Join(", ", columns.Select((c, i) => $"{c.Column} = ${i + 6}"))} WHERE tenant = $1 AND id = $2 AND version = $5;";
        using var command = Command(connection, transaction, sql, [aggregate.Tenant.Value, aggregate.AggregateId, aggregate.Version + 1, document, aggregate.Version, .. columns.Select(c => c.Value)]);
        int rows;
        try
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgreSqlMigrations.AtCapacitySqlState)
        {
            throw AtCapacity(aggregate, ex);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal) && !IsSourceLeadTaken(ex))
        {
            throw ConstraintViolation(aggregate.AggregateKind, aggregate.AggregateId, ex);
        }

        if (rows == 0)
        {
            using var probe = Command(connection, transaction, $"SELECT version FROM {_schema}.{table} WHERE tenant = $1 AND id = $2;", [aggregate.Tenant.Value, aggregate.AggregateId]);
            var stored = await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
            throw new ConcurrencyException(aggregate.AggregateKind, aggregate.AggregateId, aggregate.Version, stored);
        }
    }

    /// <summary>The unique index of one opportunity per source lead refused a second one.</summary>
    internal static bool IsSourceLeadTaken(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == SourceLeadIndex;

    /// <summary>
    /// Claims due rows across tenants through the owner's <paramref name="function"/> (<c>claim_due_batch_opportunities</c>
    /// of migration 5, like migration 6's <c>claim_due_{table}</c> but with each row's tenant; for leads
    /// <c>claim_due_lead_rows</c> of migration 14, which also returns the columns a lead's document leaves out;
    /// <paramref name="read"/> sees tenant, id, version, document and those): it locks the oldest due rows whose
    /// lease is free, expired or the claimant's own with <c>FOR UPDATE SKIP LOCKED</c> (rows another host is
    /// claiming right now are skipped, not waited for), leases them, and returns them oldest due first. A row
    /// whose document cannot be read is quarantined in the same transaction instead (<c>quarantine_claimed_{table}</c>,
    /// which only reaches rows this claim leased), so it neither fails the claim nor comes back in the next one.
    /// </summary>
    internal Task<DueWorkBatch<T>> ClaimDueRowsAsync<T>(StoredRecordKind kind, string table, string function, DueWorkClaim claim, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(claim);
        return RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                var items = new List<T>();
                var bad = new List<(string Tenant, string Id, string Reason)>();
                var until = PgValues.Ceiling(claim.Now + claim.LeaseDuration);
                using (var command = Command(connection, transaction, $"SELECT * FROM {_schema}.{function}($1, $2, $3, $4);", [PgValues.Floor(claim.Now), claim.Owner, claim.MaxItems, until]))
                using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        try
                        {
                            items.Add(read(reader));
                        }
                        catch (StoreDataException ex)
                        {
                            bad.Add((reader.GetString(0), reader.GetString(1), ex.Message));
                        }
                    }
                }

                if (bad.Count > 0)
                {
                    using var quarantine = Command(
                        connection,
                        transaction,
                        $"SELECT {_schema}.quarantine_claimed_{table}($1, $2, $3, $4, $5, $6);",
                        [claim.Owner, until, bad.Select(b => b.Tenant).ToArray(), bad.Select(b => b.Id).ToArray(), bad.Select(b => b.Reason).ToArray(), PgValues.Floor(claim.Now)]);
                    await quarantine.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return new DueWorkBatch<T>(items, bad.ConvertAll(b => new QuarantinedRecord(new TenantId(b.Tenant), kind, b.Id, b.Reason, claim.Now)));
            },
            cancellationToken,
            operation: operation);
    }

    /// <summary>The columns every aggregate read selects first: id, version, document; a table may add its own after them.</summary>
    internal const string DocumentColumns = "id, version, document::text";

    /// <summary>The aggregate document of <paramref name="id"/> in <paramref name="table"/> if <paramref name="where"/> (the scope) lets it be seen; <paramref name="columns"/> as <see cref="DocumentColumns"/>.</summary>
    internal Task<T?> FindDocumentAsync<T>(AccessScope scope, string table, string where, List<object?> parameters, string id, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, string columns = DocumentColumns, [CallerMemberName] string operation = "")
        where T : class
    {
        parameters.Add(id);
        return ReadOneAsync(DbScope.Of(scope), $"SELECT {columns} FROM {_schema}.{table} WHERE {where} AND id = ${parameters.Count};", parameters, read, cancellationToken, operation);
    }

    /// <summary>
    /// Streams the aggregate documents of <paramref name="table"/> matching <paramref name="where"/>, by id;
    /// <paramref name="read"/> sees <paramref name="columns"/> (id, version, document and the table's own). Quarantined records are left out; a row whose
    /// document cannot be read is skipped and, after the rows were read, quarantined (in a transaction of
    /// the tenant), so one bad record never fails the query of its tenant.
    /// </summary>
    internal async IAsyncEnumerable<T> QueryDocumentsAsync<T>(StoredRecordKind kind, AccessScope scope, string table, string where, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken, string columns = DocumentColumns, [CallerMemberName] string operation = "")
        where T : class
    {
        var bad = new List<(string Tenant, string Id, string Reason)>();
        var sql = $"SELECT {columns} FROM {_schema}.{table} AS r WHERE {where} AND NOT EXISTS (SELECT 1 FROM {_schema}.quarantine q WHERE q.tenant = r.tenant AND q.kind = '{kind}' AND q.id = r.id) ORDER BY id;";
        await foreach (var (item, id, reason) in ReadRowsAsync(DbScope.Of(scope), sql, parameters, reader => TryRead(reader, read), cancellationToken, operation).ConfigureAwait(false))
        {
            if (item is not null)
            {
                yield return item;
            }
            else
            {
                bad.Add((scope.Tenant.Value, id, reason!));
            }
        }

        if (bad.Count > 0)
        {
            await RunAsync(
                DbScope.Of(scope.Tenant),
                async (connection, transaction) =>
                {
                    await QuarantineAsync(connection, transaction, kind, table, bad, null, cancellationToken).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken,
                operation: operation).ConfigureAwait(false);
        }
    }

    private static (T? Item, string Id, string? Reason) TryRead<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read)
        where T : class
    {
        try
        {
            return (read(reader), reader.GetString(0), null);
        }
        catch (StoreDataException ex)
        {
            return (null, reader.GetString(0), ex.Message);
        }
    }

    /// <summary>The unique index on <c>(tenant, source_lead)</c> of opportunities: one opportunity per lead.</summary>
    private const string SourceLeadIndex = "opportunities_source_lead";

    /// <summary>The refusal of the partner_load trigger (message <c>…|open|capacity|partner</c>) as a typed error.</summary>
    private static PartnerAtCapacityException AtCapacity(AggregateRoot aggregate, PostgresException ex)
    {
        var parts = ex.MessageText.Split('|', 4);
        return new PartnerAtCapacityException(
            aggregate.Tenant,
            new PartnerId(parts[3]),
            aggregate.AggregateId,
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>An opportunity from a row whose first columns are <see cref="DocumentColumns"/>, rebuilt with the store's pipelines.</summary>
    internal SalesOpportunity ReadOpportunity(NpgsqlDataReader reader) => ToOpportunity(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    /// <summary>An opportunity from its stored document, rebuilt with the store's pipelines; <see cref="StoreDataException"/> when it cannot be read.</summary>
    internal SalesOpportunity ToOpportunity(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(SalesOpportunity), id, json, SnapshotJson.DeserializeOpportunity) with { Version = version };
        return StoredValues.Rebuild(nameof(SalesOpportunity), id, () => SalesOpportunity.FromSnapshot(snapshot, _pipelines.Get(snapshot.PipelineId)));
    }
}
