using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    internal const string MessageColumns = "id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error";

    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        return WriteAsync(async (connection, transaction) => await InsertOutboxAsync(connection, transaction, list, cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = SqliteText.Of(claim.Now, "DueWorkClaim", null, nameof(DueWorkClaim.Now));
        var until = SqliteText.Of(claim.Now + claim.LeaseDuration, "DueWorkClaim", null, nameof(DueWorkClaim.LeaseDuration));
        return WriteAsync<IReadOnlyList<OutboxMessage>>(
            async (connection, transaction) =>
            {
                var claimed = new List<OutboxMessage>();
                using (var select = Command(
                    connection,
                    transaction,
                    $"""
                    SELECT {MessageColumns} FROM outbox
                    WHERE status = 'pending' AND due_at <= $now
                      AND (lease_until IS NULL OR lease_until <= $now OR lease_owner = $owner)
                    ORDER BY due_at, seq
                    LIMIT $max;
                    """,
                    ("$now", now),
                    ("$owner", claim.Owner),
                    ("$max", claim.MaxItems)))
                using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        claimed.Add(ReadMessage(reader));
                    }
                }

                using var lease = Command(connection, transaction, "UPDATE outbox SET lease_owner = $owner, lease_until = $until WHERE id = $id;", ("$owner", claim.Owner), ("$until", until), ("$id", null));
                foreach (var message in claimed)
                {
                    lease.Parameters["$id"].Value = message.Id;
                    await lease.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return claimed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(string messageId, string owner, Instant at, IEnumerable<OutboxMessage>? followUps = null, CancellationToken cancellationToken = default)
    {
        var list = followUps?.ToList() ?? [];
        return UpdateLeasedAsync(
            messageId,
            owner,
            "status = 'delivered', delivered_at = $at",
            [("$at", SqliteText.Of(at, "OutboxMessage", messageId, "DeliveredAt"))],
            (connection, transaction) => InsertOutboxAsync(connection, transaction, list, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        var leaseUntil = SqliteText.Of(until, "OutboxMessage", messageId, "LeaseUntil");
        return WriteAsync(
            async (connection, transaction) =>
            {
                // Conditional on the owner: a worker that took the message over after the lease ran
                // out has replaced lease_owner in its claim, so the old owner's renewal changes nothing.
                using var command = Command(
                    connection,
                    transaction,
                    "UPDATE outbox SET lease_until = $until WHERE id = $id AND status = 'pending' AND lease_owner = $owner;",
                    ("$until", leaseUntil),
                    ("$id", messageId),
                    ("$owner", owner));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        var next = SqliteText.Of(nextAttemptAt, "OutboxMessage", messageId, nameof(OutboxMessage.NextAttemptAt));
        return UpdateLeasedAsync(messageId, owner, "attempts = attempts + 1, next_attempt_at = $next, due_at = $next, last_error = $error", [("$next", next), ("$error", error)], null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(
            messageId,
            owner,
            "status = 'dead', attempts = attempts + 1, last_error = $reason, dead_reason = $reason, dead_at = $at",
            [("$reason", reason), ("$at", SqliteText.Of(at, "OutboxMessage", messageId, nameof(DeadLetter.DeadLetteredAt)))],
            null,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            $"SELECT {MessageColumns}, dead_reason, dead_at FROM outbox WHERE status = 'dead' AND ($tenant IS NULL OR tenant = $tenant) ORDER BY dead_at, seq;",
            [("$tenant", tenant?.Value)],
            r => new DeadLetter(ReadMessage(r), r.GetString(9), SqliteText.ToInstant(r.GetString(10))),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default)
    {
        var at = SqliteText.Of(now, "OutboxMessage", messageId, nameof(OutboxMessage.NextAttemptAt));
        return WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $now, due_at = $now, dead_reason = NULL, dead_at = NULL WHERE id = $id AND status = 'dead';",
                    ("$now", at),
                    ("$id", messageId));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) =>
        ReadListAsync($"SELECT {MessageColumns} FROM outbox WHERE status = 'pending' ORDER BY seq;", [], ReadMessage, cancellationToken);

    /// <inheritdoc />
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default) =>
        await ReadOneAsync(
            "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending';",
            [],
            reader => new OutboxBacklog(reader.GetInt64(0), SqliteText.ToInstantOrNull(reader.GetValue(1))),
            cancellationToken).ConfigureAwait(false) ?? OutboxBacklog.Empty;

    /// <summary>Changes a pending message leased to <paramref name="owner"/> (and drops the lease); false, changing nothing, when the lease is not held.</summary>
    private Task<bool> UpdateLeasedAsync(string messageId, string owner, string set, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteConnection, SqliteTransaction, Task>? alsoInTransaction, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        return WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"UPDATE outbox SET {set}, lease_owner = NULL, lease_until = NULL WHERE id = $id AND status = 'pending' AND lease_owner = $leaseOwner;",
                    [.. parameters, ("$id", messageId), ("$leaseOwner", owner)]);
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
            cancellationToken,
            operation);
    }

    /// <summary>Appends messages to the outbox inside the caller's transaction; an id already present (in any state) is ignored.</summary>
    private static async Task<int> InsertOutboxAsync(SqliteConnection connection, SqliteTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        messages = await WithoutPurgedAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
        if (messages.Count == 0)
        {
            return 0;
        }

        using var command = Command(
            connection,
            transaction,
            $"""
            INSERT INTO outbox ({MessageColumns}, due_at, status)
            VALUES ($id, $tenant, $topic, $type, $payload, $created, $attempts, $next, $error, $due, 'pending')
            ON CONFLICT (id) DO NOTHING;
            """,
            ("$id", null), ("$tenant", null), ("$topic", null), ("$type", null), ("$payload", null), ("$created", null), ("$attempts", null), ("$next", null), ("$error", null), ("$due", null));
        var written = 0;
        foreach (var m in messages)
        {
            command.Parameters["$id"].Value = m.Id;
            command.Parameters["$tenant"].Value = m.Tenant.Value;
            command.Parameters["$topic"].Value = m.Topic;
            command.Parameters["$type"].Value = m.Type;
            command.Parameters["$payload"].Value = m.Payload;
            command.Parameters["$created"].Value = SqliteText.Of(m.CreatedAt, nameof(OutboxMessage), m.Id, nameof(m.CreatedAt));
            command.Parameters["$attempts"].Value = m.Attempts;
            command.Parameters["$next"].Value = SqliteText.OfOrNull(m.NextAttemptAt, nameof(OutboxMessage), m.Id, nameof(m.NextAttemptAt));
            command.Parameters["$error"].Value = (object?)m.LastError ?? DBNull.Value;
            command.Parameters["$due"].Value = SqliteText.Of(m.DueAt, nameof(OutboxMessage), m.Id, nameof(m.DueAt));
            written += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private static OutboxMessage ReadMessage(SqliteDataReader r) =>
        new(r.GetString(0), new TenantId(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), SqliteText.ToInstant(r.GetString(5)))
        {
            Attempts = r.GetInt32(6),
            NextAttemptAt = SqliteText.ToInstantOrNull(r.GetValue(7)),
            LastError = r.IsDBNull(8) ? null : r.GetString(8),
        };
}
