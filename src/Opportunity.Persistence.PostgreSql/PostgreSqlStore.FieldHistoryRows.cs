using NodaTime;
using Npgsql;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>Appends the aggregates' pending field changes inside the caller's transaction, whose scope is their tenant.</summary>
    internal async Task InsertHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AggregateRoot> aggregates, CancellationToken cancellationToken)
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
