using Microsoft.Data.Sqlite;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public async Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        var changes = await ReadListAsync(
            """
            SELECT seq, field, at, actor, previous, current FROM field_history
            WHERE tenant = $tenant AND kind = $kind AND id = $id AND (seq, field) > ($seq, $field)
            ORDER BY seq, field
            LIMIT $max;
            """,
            [("$tenant", tenant.Value), ("$kind", record.Kind), ("$id", record.Id), ("$seq", after?.Sequence ?? 0), ("$field", after is { } a ? (int)a.Field : -1), ("$max", maxChanges + 1)],
            r => new FieldChange(r.GetInt64(0), (HistoryField)r.GetInt32(1), SqliteText.ToInstant(r.GetString(2)), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)),
            cancellationToken).ConfigureAwait(false);
        return changes.Count > maxChanges
            ? new FieldHistoryPage([.. changes.Take(maxChanges)], changes[maxChanges - 1].Cursor)
            : new FieldHistoryPage(changes, null);
    }

    /// <summary>Appends the aggregate's pending field changes inside the caller's transaction (when <see cref="SqliteStoreOptions.RecordFieldHistory"/> is on).</summary>
    private async Task InsertHistoryAsync(SqliteConnection connection, SqliteTransaction transaction, AggregateRoot aggregate, CancellationToken cancellationToken)
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
}
