using NodaTime;
using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The field history (<see cref="IFieldHistory"/>) of a <see cref="PostgreSqlStore"/>: reads of <c>field_history</c> (the writes append to it).</summary>
internal sealed class PostgreSqlFieldHistory(PostgreSqlStore db) : IFieldHistory
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    /// <remarks>Reads in the manufacturer's scope of <paramref name="tenant"/>: row-level security shows no other tenant's history.</remarks>
    public async Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        var changes = await db.ReadListAsync(
            DbScope.Of(tenant),
            $"""
            SELECT seq, field, at, at_nanos, actor, previous, current FROM {_schema}.field_history
            WHERE tenant = $1 AND kind = $2 AND id = $3 AND (seq, field) > ($4, $5)
            ORDER BY seq, field
            LIMIT $6;
            """,
            [tenant.Value, record.Kind, record.Id, after?.Sequence ?? 0L, (short)(after is { } a ? (int)a.Field : -1), maxChanges + 1],
            r => new FieldChange(
                r.GetInt64(0),
                (HistoryField)r.GetInt16(1),
                PgValues.ToInstant(r.GetDateTime(2)) + Duration.FromNanoseconds(r.GetInt16(3)),
                r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6)),
            cancellationToken).ConfigureAwait(false);
        return changes.Count > maxChanges
            ? new FieldHistoryPage([.. changes.Take(maxChanges)], changes[maxChanges - 1].Cursor)
            : new FieldHistoryPage(changes, null);
    }
}
