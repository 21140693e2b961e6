using Microsoft.Data.Sqlite;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Records set aside inside a write transaction: the <c>quarantine</c> row and the record out of the due index.</summary>
internal static class QuarantineRows
{
    // The store's clock for records a query sets aside, in the fixed-width form of SqliteText.
    internal const string DatabaseNow = "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000000Z'";

    /// <summary>
    /// Sets records aside inside the caller's write transaction: records each in <c>quarantine</c> with
    /// the due time it had, and takes it out of the due index and its lease. <paramref name="at"/> null:
    /// the database's clock. A record already quarantined stays as it was.
    /// </summary>
    internal static async Task QuarantineAsync(SqliteConnection connection, SqliteTransaction transaction, StoredRecordKind kind, string table, List<(string Tenant, string Id, string Reason)> records, string? at, CancellationToken cancellationToken)
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
}
