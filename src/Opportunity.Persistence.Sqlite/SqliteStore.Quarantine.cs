using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    // The store's clock for records a query sets aside, in the fixed-width form of SqliteText.
    private const string DatabaseNow = "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000000Z'";

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            $"SELECT tenant, kind, id, reason, quarantined_at FROM quarantine {(tenant is null ? string.Empty : "WHERE tenant = $tenant")} ORDER BY quarantined_at, tenant, kind, id;",
            tenant is { } t ? [("$tenant", t.Value)] : [],
            reader => new QuarantinedRecord(new TenantId(reader.GetString(0)), Enum.Parse<StoredRecordKind>(reader.GetString(1)), reader.GetString(2), reader.GetString(3), SqliteText.ToInstant(reader.GetString(4))),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = TableOf(kind);
        return WriteAsync(
            async (connection, transaction) =>
            {
                using var release = Command(connection, transaction, "DELETE FROM quarantine WHERE tenant = $tenant AND kind = $kind AND id = $id RETURNING next_due_at;", ("$tenant", tenant.Value), ("$kind", kind.ToString()), ("$id", id));
                var due = await release.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (due is null)
                {
                    return false;
                }

                using var restore = Command(connection, transaction, $"UPDATE {table} SET next_due_at = $due WHERE tenant = $tenant AND id = $id;", ("$due", due), ("$tenant", tenant.Value), ("$id", id));
                await restore.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Test hook of the conformance suite: rewrites the stored document of a lead with a state this
    /// version does not know, as a newer version (or a hand edit) would; the columns stay as they are.
    /// </summary>
    internal Task CorruptLeadAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, "UPDATE leads SET document = json_set(document, '$.state', 'Archived') WHERE tenant = $tenant AND id = $id;", ("$tenant", tenant.Value), ("$id", id.Value));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Sets records aside inside the caller's write transaction: records each in <c>quarantine</c> with
    /// the due time it had, and takes it out of the due index and its lease. <paramref name="at"/> null:
    /// the database's clock. A record already quarantined stays as it was.
    /// </summary>
    private static async Task QuarantineAsync(SqliteConnection connection, SqliteTransaction transaction, StoredRecordKind kind, string table, List<(string Tenant, string Id, string Reason)> records, string? at, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        using var insert = Command(
            connection,
            transaction,
            $"""
            INSERT INTO quarantine (tenant, kind, id, reason, quarantined_at, next_due_at)
            SELECT tenant, $kind, id, $reason, {(at is null ? DatabaseNow : "$at")}, next_due_at FROM {table} WHERE tenant = $tenant AND id = $id
            ON CONFLICT DO NOTHING;
            """,
            ("$kind", kind.ToString()),
            ("$reason", null),
            ("$at", at),
            ("$tenant", null),
            ("$id", null));
        using var park = Command(connection, transaction, $"UPDATE {table} SET next_due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE tenant = $tenant AND id = $id;", ("$tenant", null), ("$id", null));
        foreach (var (tenant, id, reason) in records)
        {
            insert.Parameters["$reason"].Value = reason;
            insert.Parameters["$tenant"].Value = tenant;
            insert.Parameters["$id"].Value = id;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            park.Parameters["$tenant"].Value = tenant;
            park.Parameters["$id"].Value = id;
            await park.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string TableOf(StoredRecordKind kind) => kind switch
    {
        StoredRecordKind.Lead => "leads",
        StoredRecordKind.SalesOpportunity => "opportunities",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };
}
