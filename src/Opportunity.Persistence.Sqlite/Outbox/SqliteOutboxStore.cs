using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The outbox of a <see cref="SqliteStore"/>: enqueued messages, leased claims, retries, dead letters and the purge of delivered rows.</summary>
internal sealed class SqliteOutboxStore(SqliteStore store) : IOutboxStore
{
    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        return store.WriteAsync(async (connection, transaction) => await OutboxRows.InsertOutboxAsync(connection, transaction, list, cancellationToken).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = SqliteText.Of(claim.Now, "DueWorkClaim", null, nameof(DueWorkClaim.Now));
        var until = SqliteText.Of(claim.Now + claim.LeaseDuration, "DueWorkClaim", null, nameof(DueWorkClaim.LeaseDuration));
        return store.WriteAsync<IReadOnlyList<OutboxMessage>>(
            async (connection, transaction) =>
            {
                var claimed = new List<OutboxMessage>();
                using (var select = Command(
                    connection,
                    transaction,
                    $"""
                    SELECT {OutboxRows.MessageColumns} FROM outbox
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
                        claimed.Add(OutboxRows.ReadMessage(reader));
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
            (connection, transaction) => OutboxRows.InsertOutboxAsync(connection, transaction, list, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        var leaseUntil = SqliteText.Of(until, "OutboxMessage", messageId, "LeaseUntil");
        return store.WriteAsync(
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
        store.ReadListAsync(
            $"SELECT {OutboxRows.MessageColumns}, dead_reason, dead_at FROM outbox WHERE status = 'dead' AND ($tenant IS NULL OR tenant = $tenant) ORDER BY dead_at, seq;",
            [("$tenant", tenant?.Value)],
            r => new DeadLetter(OutboxRows.ReadMessage(r), r.GetString(9), SqliteText.ToInstant(r.GetString(10))),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default)
    {
        var at = SqliteText.Of(now, "OutboxMessage", messageId, nameof(OutboxMessage.NextAttemptAt));
        return store.WriteAsync(
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
        store.ReadListAsync($"SELECT {OutboxRows.MessageColumns} FROM outbox WHERE status = 'pending' ORDER BY seq;", [], OutboxRows.ReadMessage, cancellationToken);

    /// <inheritdoc />
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default) =>
        await store.ReadOneAsync(
            "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending';",
            [],
            reader => new OutboxBacklog(reader.GetInt64(0), SqliteText.ToInstantOrNull(reader.GetValue(1))),
            cancellationToken).ConfigureAwait(false) ?? OutboxBacklog.Empty;

    /// <summary>Changes a pending message leased to <paramref name="owner"/> (and drops the lease); false, changing nothing, when the lease is not held.</summary>
    private Task<bool> UpdateLeasedAsync(string messageId, string owner, string set, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteConnection, SqliteTransaction, Task>? alsoInTransaction, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        return store.WriteAsync(
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

    /// <summary>
    /// Deletes up to <paramref name="maxMessages"/> delivered rows delivered before
    /// <paramref name="olderThan"/> (oldest first, through the <c>outbox_delivered</c> index) and, in
    /// the same transaction, records the 16-byte hash of each message's tenant and id in <c>outbox_purged</c>, so the id is
    /// still ignored when enqueued again. Pending rows and dead letters are never touched. Freed
    /// pages are reused by later writes (the file does not shrink without <c>VACUUM</c>).
    /// </summary>
    public Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);
        var cutoff = SqliteText.Of(olderThan, nameof(OutboxMessage), null, "DeliveredAt");
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                var rows = new List<(long Seq, string Tenant, string Id)>();
                using (var select = Command(
                    connection,
                    transaction,
                    "SELECT seq, tenant, id FROM outbox WHERE status = 'delivered' AND delivered_at < $cutoff ORDER BY delivered_at, seq LIMIT $max;",
                    ("$cutoff", cutoff),
                    ("$max", maxMessages)))
                using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                    }
                }

                using var remember = Command(connection, transaction, "INSERT INTO outbox_purged (id_hash) VALUES ($hash) ON CONFLICT DO NOTHING;", ("$hash", null));
                using var delete = Command(connection, transaction, "DELETE FROM outbox WHERE seq = $seq AND status = 'delivered';", ("$seq", null));
                foreach (var (seq, tenant, id) in rows)
                {
                    remember.Parameters["$hash"].Value = StoredValues.OutboxIdHash(new TenantId(tenant), id);
                    await remember.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    delete.Parameters["$seq"].Value = seq;
                    await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return rows.Count;
            },
            cancellationToken);
    }
}
