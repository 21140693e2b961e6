
namespace Opportunity.Persistence.Sqlite;

/// <summary>The field history of a <see cref="SqliteStore"/>: the audited changes in <c>field_history</c>, read by page.</summary>
internal sealed class SqliteFieldHistory(SqliteStore store) : IFieldHistory
{
    /// <inheritdoc />
    public async Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        var changes = await store.ReadListAsync(
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
}
