using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Opportunity.Diagnostics;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.Sqlite.Schema;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    internal async Task SaveAggregateAsync(AggregateRow row, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        var messages = row.Aggregate.PendingEvents.Select(OutboxMessage.FromDomainEvent).ToList();
        await WriteAsync(
            async (connection, transaction) =>
            {
                await WriteRowAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                await OutboxRows.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await InsertHistoryAsync(connection, transaction, row.Aggregate, cancellationToken).ConfigureAwait(false);
                Fault("after-outbox");
                return 0;
            },
            cancellationToken,
            operation).ConfigureAwait(false);
        row.Aggregate.MarkCommitted(row.Aggregate.Version + 1);
    }

    /// <summary>
    /// Inside the caller's transaction: inserts (version 0) or version-checked updates one
    /// aggregate row. A version mismatch throws <see cref="ConcurrencyException"/>, a second
    /// opportunity for a source lead <see cref="LeadConversionRules.AlreadyConverted"/>.
    /// </summary>
    internal static async Task WriteRowAsync(SqliteConnection connection, SqliteTransaction transaction, AggregateRow row, CancellationToken cancellationToken)
    {
        var (aggregate, table, document, columns) = row;
        var sql = aggregate.Version == 0
            ? $"INSERT INTO {table} (tenant, id, {string.Join(", ", columns.Select(c => c.Column))}, version, document) VALUES ($tenant, $id, {string.Join(", ", columns.Select(c => "$" + c.Column))}, $version, $document) ON CONFLICT (tenant, id) DO NOTHING;"
            : $"UPDATE {table} SET {string.Join(", ", columns.Select(c => $"{c.Column} = ${c.Column}"))}, version = $version, document = $document WHERE tenant = $tenant AND id = $id AND version = $expected;";
        using var command = Command(connection, transaction, sql, [("$tenant", aggregate.Tenant.Value), ("$id", aggregate.AggregateId), ("$version", aggregate.Version + 1), ("$expected", aggregate.Version), ("$document", document), .. columns.Select(c => ("$" + c.Column, c.Value))]);
        int rows;
        try
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.SqliteExtendedErrorCode == SqliteUniqueViolation && aggregate is Pipelines.SalesOpportunity { SourceLead: { } lead })
        {
            var existing = await FindConvertedFromAsync(connection, transaction, aggregate.Tenant, lead, cancellationToken).ConfigureAwait(false);
            throw LeadConversionRules.AlreadyConverted(aggregate.Tenant, lead, new OpportunityId(existing ?? "?"));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.Message.Contains(SqliteMigrations.AtCapacityMessage, StringComparison.Ordinal))
        {
            // The partner_load trigger refused: the statement was undone, the transaction is rolled back by the caller.
            throw await PartnerLoad.AtCapacityAsync(connection, transaction, aggregate, columns, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw ConstraintViolation(aggregate.AggregateKind, aggregate.AggregateId, ex);
        }

        if (rows == 0)
        {
            using var probe = Command(connection, transaction, $"SELECT version FROM {table} WHERE tenant = $tenant AND id = $id;", ("$tenant", aggregate.Tenant.Value), ("$id", aggregate.AggregateId));
            var stored = await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
            throw new ConcurrencyException(aggregate.AggregateKind, aggregate.AggregateId, aggregate.Version, stored);
        }
    }

    /// <summary>One aggregate's row as a write sees it: the aggregate, its table, its document and its indexed columns.</summary>
    internal readonly record struct AggregateRow(AggregateRoot Aggregate, string Table, string Document, IReadOnlyList<(string Column, object? Value)> Columns);

    /// <summary>
    /// Claims due rows of <paramref name="table"/> in the single write transaction: selects those
    /// due at the claim's instant whose lease is free, expired or the claimant's own (oldest due
    /// first, then tenant and id), and leases them to the claimant. A row whose document cannot be
    /// read is quarantined in the same transaction instead (out of the due index), so it neither
    /// fails the claim nor comes back in the next one.
    /// </summary>
    internal Task<DueWorkBatch<T>> ClaimDueRowsAsync<T>(StoredRecordKind kind, string table, DueWorkClaim claim, Func<string, string, long, string, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = SqliteText.Of(claim.Now, "DueWorkClaim", null, nameof(DueWorkClaim.Now));
        var until = SqliteText.Of(claim.Now + claim.LeaseDuration, "DueWorkClaim", null, nameof(DueWorkClaim.LeaseDuration));
        return WriteAsync(
            async (connection, transaction) =>
            {
                var rows = new List<(string Tenant, string Id, T Item)>();
                var bad = new List<(string Tenant, string Id, string Reason)>();
                using (var select = Command(
                    connection,
                    transaction,
                    $"""
                    SELECT tenant, id, version, document FROM {table}
                    WHERE next_due_at IS NOT NULL AND next_due_at <= $now
                      AND (lease_until IS NULL OR lease_until <= $now OR lease_owner = $owner)
                    ORDER BY next_due_at, tenant, id
                    LIMIT $max;
                    """,
                    ("$now", now),
                    ("$owner", claim.Owner),
                    ("$max", claim.MaxItems)))
                using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var (tenant, id) = (reader.GetString(0), reader.GetString(1));
                        try
                        {
                            rows.Add((tenant, id, read(tenant, id, reader.GetInt64(2), reader.GetString(3))));
                        }
                        catch (StoreDataException ex)
                        {
                            bad.Add((tenant, id, ex.Message));
                        }
                    }
                }

                using var lease = Command(connection, transaction, $"UPDATE {table} SET lease_owner = $owner, lease_until = $until WHERE tenant = $tenant AND id = $id;", ("$owner", claim.Owner), ("$until", until), ("$tenant", null), ("$id", null));
                foreach (var (tenant, id, _) in rows)
                {
                    lease.Parameters["$tenant"].Value = tenant;
                    lease.Parameters["$id"].Value = id;
                    await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await QuarantineRows.QuarantineAsync(connection, transaction, kind, table, bad, now, cancellationToken).ConfigureAwait(false);
                return new DueWorkBatch<T>(
                    rows.ConvertAll(r => r.Item),
                    bad.ConvertAll(b => new QuarantinedRecord(new TenantId(b.Tenant), kind, b.Id, b.Reason, claim.Now)));
            },
            cancellationToken,
            operation);
    }

    /// <summary>The aggregate document of <paramref name="id"/> in <paramref name="table"/> if <paramref name="where"/> (the scope) lets it be seen.</summary>
    internal Task<T?> FindDocumentAsync<T>(string table, string where, IReadOnlyList<(string Name, object? Value)> parameters, string id, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
        where T : class =>
        ReadOneAsync($"SELECT id, version, document FROM {table} WHERE {where} AND id = $id;", [.. parameters, ("$id", id)], read, cancellationToken, operation);

    /// <summary>
    /// Streams the aggregate documents of <paramref name="table"/> matching <paramref name="where"/> (the
    /// scope, within <paramref name="tenant"/>), by id; <paramref name="read"/> sees id, version, document.
    /// Quarantined records are left out; a row whose document cannot be read is skipped and, after the
    /// rows were read, quarantined, so one bad record never fails the query of its tenant.
    /// </summary>
    internal async IAsyncEnumerable<T> QueryDocumentsAsync<T>(StoredRecordKind kind, string table, TenantId tenant, string where, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteDataReader, T> read, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, [CallerMemberName] string operation = "")
        where T : class
    {
        var bad = new List<(string Tenant, string Id, string Reason)>();
        var sql = $"SELECT id, version, document FROM {table} AS r WHERE {where} AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.tenant = r.tenant AND q.kind = '{kind}' AND q.id = r.id) ORDER BY id;";
        await foreach (var (item, id, reason) in ReadRowsAsync(sql, parameters, reader => TryRead(reader, read), cancellationToken, operation).ConfigureAwait(false))
        {
            if (item is not null)
            {
                yield return item;
            }
            else
            {
                bad.Add((tenant.Value, id, reason!));
            }
        }

        if (bad.Count > 0)
        {
            await WriteAsync(
                async (connection, transaction) =>
                {
                    await QuarantineRows.QuarantineAsync(connection, transaction, kind, table, bad, null, cancellationToken).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken,
                operation).ConfigureAwait(false);
        }
    }

    private static (T? Item, string Id, string? Reason) TryRead<T>(SqliteDataReader reader, Func<SqliteDataReader, T> read)
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

    /// <summary>Appends the aggregate's pending field changes inside the caller's transaction (when <see cref="SqliteStoreOptions.RecordFieldHistory"/> is on).</summary>
    internal async Task InsertHistoryAsync(SqliteConnection connection, SqliteTransaction transaction, AggregateRoot aggregate, CancellationToken cancellationToken)
    {
        if (!_recordFieldHistory || aggregate.PendingFieldChanges.Count == 0)
        {
            return;
        }

        using var insert = Command(
            connection,
            transaction,
            "INSERT INTO field_history (tenant, kind, id, seq, field, at, actor, previous, current) VALUES ($tenant, $kind, $id, $seq, $field, $at, $actor, $previous, $current);",
            ("$tenant", aggregate.Tenant.Value),
            ("$kind", aggregate.AggregateKind),
            ("$id", aggregate.AggregateId),
            ("$seq", null),
            ("$field", null),
            ("$at", null),
            ("$actor", null),
            ("$previous", null),
            ("$current", null));
        foreach (var change in aggregate.PendingFieldChanges)
        {
            insert.Parameters["$seq"].Value = change.Sequence;
            insert.Parameters["$field"].Value = (int)change.Field;
            insert.Parameters["$at"].Value = SqliteText.Of(change.At, aggregate.AggregateKind, aggregate.AggregateId, nameof(FieldChange.At));
            insert.Parameters["$actor"].Value = change.Actor;
            insert.Parameters["$previous"].Value = (object?)change.Previous ?? DBNull.Value;
            insert.Parameters["$current"].Value = (object?)change.Current ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The id of the opportunity converted from <paramref name="lead"/>, read inside the caller's transaction.</summary>
    private static async Task<string?> FindConvertedFromAsync(SqliteConnection connection, SqliteTransaction transaction, TenantId tenant, LeadId lead, CancellationToken cancellationToken)
    {
        using var probe = Command(connection, transaction, "SELECT id FROM opportunities WHERE tenant = $tenant AND source_lead = $lead;", ("$tenant", tenant.Value), ("$lead", lead.Value));
        return await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
