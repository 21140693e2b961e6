using NodaTime;
using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    /// <remarks>Reads in the manufacturer's scope of <paramref name="tenant"/>: row-level security shows no other tenant's history.</remarks>
    public async Task<FieldHistoryPage> ReadHistoryAsync(TenantId tenant, AuditedRecord record, FieldHistoryCursor? after = null, int maxChanges = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChanges);
        var changes = await ReadListAsync(
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

    /// <summary>Appends the aggregates' pending field changes inside the caller's transaction, whose scope is their tenant.</summary>
    private async Task InsertHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AggregateRoot> aggregates, CancellationToken cancellationToken)
    {
        var rows = aggregates.SelectMany(a => a.PendingFieldChanges.Select(c => (Aggregate: a, Change: c))).ToList();
        if (!_recordFieldHistory || rows.Count == 0)
        {
            return;
        }

        var at = rows.ConvertAll(r => PgValues.Floor(r.Change.At));
        using var insert = Command(
            connection,
            transaction,
            $"""
            INSERT INTO {_schema}.field_history (tenant, kind, id, seq, field, at, at_nanos, actor, previous, current)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::smallint[], $6::timestamptz[], $7::smallint[], $8::text[], $9::text[], $10::text[]);
            """,
            [
                rows.Select(r => r.Aggregate.Tenant.Value).ToArray(),
                rows.Select(r => r.Aggregate.AggregateKind).ToArray(),
                rows.Select(r => r.Aggregate.AggregateId).ToArray(),
                rows.Select(r => r.Change.Sequence).ToArray(),
                rows.Select(r => (short)r.Change.Field).ToArray(),
                at.ToArray(),
                rows.Select((r, i) => (short)(r.Change.At - PgValues.ToInstant(at[i])).ToInt64Nanoseconds()).ToArray(),
                rows.Select(r => r.Change.Actor).ToArray(),
                rows.Select(r => r.Change.Previous).ToArray(),
                rows.Select(r => r.Change.Current).ToArray(),
            ]);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
