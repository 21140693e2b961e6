using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Persistence.PostgreSql.Schema;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    internal const string MessageColumns = "id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error";

    /// <summary>
    /// Appends messages to the outbox in the caller's transaction, in order; an id already present (in any
    /// state) is ignored. Each run of messages of one tenant is one statement in that tenant's scope, so
    /// row-level security checks every row against its own tenant (the caller's transaction ends in the
    /// scope of the last message's tenant).
    /// </summary>
    internal async Task<int> InsertOutboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var inserted = 0;
        for (var start = 0; start < messages.Count;)
        {
            var end = start + 1;
            while (end < messages.Count && messages[end].Tenant == messages[start].Tenant)
            {
                end++;
            }

            await SetTenantAsync(connection, transaction, messages[start].Tenant.Value, cancellationToken).ConfigureAwait(false);
            inserted += await InsertOutboxRunAsync(connection, transaction, messages.GetRange(start, end - start), cancellationToken).ConfigureAwait(false);
            start = end;
        }

        return inserted;
    }

    private async Task<int> InsertOutboxRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO {_schema}.outbox ({MessageColumns}, due_at, status)
            SELECT m.id, m.tenant, m.topic, m.type, m.payload, m.created_at, m.attempts, m.next_attempt_at, m.last_error, m.due_at, 'pending'
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::integer[], $8::timestamptz[], $9::text[], $10::timestamptz[])
                WITH ORDINALITY AS m(id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error, due_at, n)
            CROSS JOIN LATERAL (SELECT {PostgreSqlMigrations.PurgedIdHash("m.tenant", "m.id")} AS h) k
            WHERE NOT EXISTS (
                SELECT 1 FROM {_schema}.outbox_purged p
                WHERE p.tenant = m.tenant AND p.bucket = {PostgreSqlMigrations.PurgedBucket("k.h")} AND {PostgreSqlMigrations.PurgedIdKey("k.h")} = ANY (p.keys))
            ORDER BY m.n
            ON CONFLICT (id) DO NOTHING;
            """,
            [
                messages.Select(m => m.Id).ToArray(),
                messages.Select(m => m.Tenant.Value).ToArray(),
                messages.Select(m => m.Topic).ToArray(),
                messages.Select(m => m.Type).ToArray(),
                messages.Select(m => m.Payload).ToArray(),
                messages.Select(m => PgValues.Floor(m.CreatedAt)).ToArray(),
                messages.Select(m => m.Attempts).ToArray(),
                messages.Select(m => m.NextAttemptAt is { } next ? PgValues.Floor(next) : (DateTime?)null).ToArray(),
                messages.Select(m => m.LastError).ToArray(),
                messages.Select(m => PgValues.Floor(m.DueAt)).ToArray(),
            ]);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
