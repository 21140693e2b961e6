using Npgsql;
using NodaTime;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    private const string MessageColumns = "id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error";

    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        return RunAsync(DbScope.Everything, (connection, transaction) => InsertOutboxAsync(connection, transaction, list, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var sql = $"""
            WITH picked AS (
                SELECT seq FROM {_schema}.outbox
                WHERE status = 'pending' AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1 OR lease_owner = $2)
                ORDER BY due_at, seq
                LIMIT $3
                FOR UPDATE SKIP LOCKED),
            leased AS (
                UPDATE {_schema}.outbox o SET lease_owner = $2, lease_until = $4
                FROM picked WHERE o.seq = picked.seq
                RETURNING o.*)
            SELECT {MessageColumns} FROM leased ORDER BY due_at, seq;
            """;
        return await WriteReturningAsync(
            DbScope.Everything,
            sql,
            [PgValues.Floor(claim.Now), claim.Owner, claim.MaxItems, PgValues.Ceiling(claim.Now + claim.LeaseDuration)],
            ReadMessage,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default)
    {
        var list = followUps?.ToList() ?? [];
        return UpdateLeasedAsync(
            messageId,
            owner,
            "status = 'delivered', delivered_at = $3",
            [PgValues.Floor(at)],
            (connection, transaction) => InsertOutboxAsync(connection, transaction, list, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(messageId, owner, "attempts = attempts + 1, next_attempt_at = $3, due_at = $3, last_error = $4", [PgValues.Floor(nextAttemptAt), error], null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(messageId, owner, "status = 'dead', attempts = attempts + 1, last_error = $3, dead_reason = $3, dead_at = $4", [reason, PgValues.Floor(at)], null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            tenant is { } t ? DbScope.Of(t) : DbScope.Everything,
            $"SELECT {MessageColumns}, dead_reason, dead_at FROM {_schema}.outbox WHERE status = 'dead' AND ($1::text IS NULL OR tenant = $1::text) ORDER BY dead_at, seq;",
            [tenant?.Value],
            r => new DeadLetter(ReadMessage(r), r.GetString(9), PgValues.ToInstant(r.GetDateTime(10))),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return RunAsync(
            DbScope.Everything,
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"UPDATE {_schema}.outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, due_at = $1, dead_reason = NULL, dead_at = NULL WHERE id = $2 AND status = 'dead';",
                    [PgValues.Floor(now), messageId]);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) =>
        ReadListAsync(DbScope.Everything, $"SELECT {MessageColumns} FROM {_schema}.outbox WHERE status = 'pending' ORDER BY seq;", [], ReadMessage, cancellationToken);

    /// <summary>Changes a pending message leased to <paramref name="owner"/> (and drops the lease); false, changing nothing, when the lease is not held.</summary>
    private Task<bool> UpdateLeasedAsync(string messageId, string owner, string set, IReadOnlyList<object?> parameters, Func<NpgsqlConnection, NpgsqlTransaction, Task<int>>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        return RunAsync(
            DbScope.Everything,
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"UPDATE {_schema}.outbox SET {set}, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND status = 'pending' AND lease_owner = $2;",
                    [messageId, owner, .. parameters]);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    return false;
                }

                if (alsoInTransaction is not null)
                {
                    await alsoInTransaction(connection, transaction).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>Appends messages to the outbox in the caller's transaction, in order, in one statement; an id already present (in any state) is ignored.</summary>
    private async Task<int> InsertOutboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return 0;
        }

        using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO {_schema}.outbox ({MessageColumns}, due_at, status)
            SELECT m.id, m.tenant, m.topic, m.type, m.payload, m.created_at, m.attempts, m.next_attempt_at, m.last_error, m.due_at, 'pending'
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::integer[], $8::timestamptz[], $9::text[], $10::timestamptz[])
                WITH ORDINALITY AS m(id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error, due_at, n)
            WHERE NOT EXISTS (SELECT 1 FROM {_schema}.outbox_purged p WHERE p.tenant = m.tenant AND p.id_hash = {PurgedIdHash("m.tenant", "m.id")})
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

    private static OutboxMessage ReadMessage(NpgsqlDataReader r) =>
        new(r.GetString(0), new TenantId(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), PgValues.ToInstant(r.GetDateTime(5)))
        {
            Attempts = r.GetInt32(6),
            NextAttemptAt = r.IsDBNull(7) ? null : PgValues.ToInstant(r.GetDateTime(7)),
            LastError = r.IsDBNull(8) ? null : r.GetString(8),
        };
}
