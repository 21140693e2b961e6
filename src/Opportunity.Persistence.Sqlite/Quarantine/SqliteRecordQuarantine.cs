using Opportunity.Leads;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The quarantine of a <see cref="SqliteStore"/>: records set aside because their documents cannot be read, listed and released.</summary>
internal sealed class SqliteRecordQuarantine(SqliteStore store) : IRecordQuarantine
{
    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            $"SELECT tenant, kind, id, reason, quarantined_at FROM quarantine {(tenant is null ? string.Empty : "WHERE tenant = $tenant")} ORDER BY quarantined_at, tenant, kind, id;",
            tenant is { } t ? [("$tenant", t.Value)] : [],
            reader => new QuarantinedRecord(new TenantId(reader.GetString(0)), Enum.Parse<StoredRecordKind>(reader.GetString(1)), reader.GetString(2), reader.GetString(3), SqliteText.ToInstant(reader.GetString(4))),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = TableOf(kind);
        return store.WriteAsync(
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

    private static string TableOf(StoredRecordKind kind) => kind switch
    {
        StoredRecordKind.Lead => "leads",
        StoredRecordKind.SalesOpportunity => "opportunities",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };
}
