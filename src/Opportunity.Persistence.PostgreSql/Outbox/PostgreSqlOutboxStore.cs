using System.Runtime.CompilerServices;
using NodaTime;
using Npgsql;
using Opportunity.Persistence.PostgreSql.Schema;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The outbox (<see cref="IOutboxStore"/>) of a <see cref="PostgreSqlStore"/>: claims, leases, dead letters and retention of the <c>outbox</c> table (the writes that append to it are the store's).</summary>
internal sealed class PostgreSqlOutboxStore(PostgreSqlStore db) : IOutboxStore
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task EnqueueAsync(IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        return db.RunAsync(DbScope.NoTenant, (connection, transaction) => db.InsertOutboxAsync(connection, transaction, list, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(DueWorkClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return await db.WriteReturningAsync(
            DbScope.NoTenant,
            $"SELECT {PostgreSqlStore.MessageColumns} FROM {_schema}.claim_outbox($1, $2, $3, $4);",
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
            $"status = 'delivered', delivered_at = $3, {DropLease}",
            [PgValues.Floor(at)],
            (connection, transaction) => db.InsertOutboxAsync(connection, transaction, list, cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Conditional on the owner: a worker that took the message over after the lease ran out has replaced <c>lease_owner</c> in its claim.</remarks>
    public Task<bool> RenewLeaseAsync(string messageId, string owner, Instant until, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(messageId, owner, "lease_until = $3", [PgValues.Ceiling(until)], null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(string messageId, string owner, Instant nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(messageId, owner, $"attempts = attempts + 1, next_attempt_at = $3, due_at = $3, last_error = $4, {DropLease}", [PgValues.Floor(nextAttemptAt), error], null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string messageId, string owner, string reason, Instant at, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(messageId, owner, $"status = 'dead', attempts = attempts + 1, last_error = $3, dead_reason = $3, dead_at = $4, {DropLease}", [reason, PgValues.Floor(at)], null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Every tenant's dead letters (no <paramref name="tenant"/>) come from the owner's <c>outbox_dead_letters</c> function.</remarks>
    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        tenant is { } t
            ? db.ReadListAsync(
                DbScope.Of(t),
                $"SELECT {PostgreSqlStore.MessageColumns}, dead_reason, dead_at FROM {_schema}.outbox WHERE status = 'dead' AND tenant = $1 ORDER BY dead_at, seq;",
                [t.Value],
                ReadDeadLetter,
                cancellationToken)
            : db.ReadListAsync(DbScope.NoTenant, $"SELECT {PostgreSqlStore.MessageColumns}, dead_reason, dead_at FROM {_schema}.outbox_dead_letters();", [], ReadDeadLetter, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RequeueDeadLetterAsync(string messageId, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return db.RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                // The owner's function: an operator requeues a message of any tenant by its id.
                using var command = Command(connection, transaction, $"SELECT {_schema}.requeue_dead_letter($1, $2);", [messageId, PgValues.Floor(now)]);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(CancellationToken cancellationToken = default) =>
        db.ReadListAsync(DbScope.NoTenant, $"SELECT {PostgreSqlStore.MessageColumns} FROM {_schema}.outbox_pending();", [], ReadMessage, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Aggregated in the database over the owner's <c>outbox_pending()</c> function (row-level security hides the table from a store without a tenant); one row comes back.</remarks>
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default) =>
        await db.ReadOneAsync(
            DbScope.NoTenant,
            $"SELECT count(*), min(created_at) FROM {_schema}.outbox_pending();",
            [],
            reader => new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : PgValues.ToInstant(reader.GetDateTime(1))),
            cancellationToken).ConfigureAwait(false) ?? OutboxBacklog.Empty;

    /// <summary>
    /// Deletes up to <paramref name="maxMessages"/> delivered rows delivered before
    /// <paramref name="olderThan"/> (oldest first, through the <c>outbox_delivered</c> index; rows
    /// another host is purging are skipped) and, in the same statement, appends each id's 64-bit key
    /// to its tenant's and hash bucket's row of <c>outbox_purged</c>, so the id is still ignored when
    /// enqueued again. Pending rows and dead letters are never touched.
    /// </summary>
    public async Task<int> PurgeDeliveredAsync(Instant olderThan, int maxMessages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessages);

        // The owner's function: the purge reaches delivered rows of every tenant, which the store's role
        // neither reads nor deletes itself. delivered_at is floored to the microsecond; comparing with the
        // floored cut-off never purges a row delivered at or after it.
        var counts = await db.WriteReturningAsync(DbScope.NoTenant, $"SELECT {_schema}.purge_delivered($1, $2);", [PgValues.Floor(olderThan), maxMessages], r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
        return counts[0];
    }

    /// <summary>The assignments that end a lease, for the <c>set</c> of <see cref="UpdateLeasedAsync"/>.</summary>
    private const string DropLease = "lease_owner = NULL, lease_until = NULL";

    /// <summary>
    /// Changes a pending message leased to <paramref name="owner"/> by <paramref name="set"/>; false, changing
    /// nothing, when the lease is not held. The owner's <c>outbox_leased_tenant</c> function names the
    /// message's tenant (only to the lease holder), and the change runs in that tenant's scope.
    /// </summary>
    private Task<bool> UpdateLeasedAsync(string messageId, string owner, string set, IReadOnlyList<object?> parameters, Func<NpgsqlConnection, NpgsqlTransaction, Task<int>>? alsoInTransaction, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(owner);
        return db.RunAsync(
            DbScope.NoTenant,
            async (connection, transaction) =>
            {
                using (var lookup = Command(connection, transaction, $"SELECT {_schema}.outbox_leased_tenant($1, $2);", [messageId, owner]))
                {
                    if (await lookup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string tenant)
                    {
                        return false;
                    }

                    await SetTenantAsync(connection, transaction, tenant, cancellationToken).ConfigureAwait(false);
                }

                using var command = Command(
                    connection,
                    transaction,
                    $"UPDATE {_schema}.outbox SET {set} WHERE id = $1 AND status = 'pending' AND lease_owner = $2;",
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
            cancellationToken,
            operation: operation);
    }

    private static DeadLetter ReadDeadLetter(NpgsqlDataReader r) => new(ReadMessage(r), r.GetString(9), PgValues.ToInstant(r.GetDateTime(10)));

    private static OutboxMessage ReadMessage(NpgsqlDataReader r) =>
        new(r.GetString(0), new TenantId(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), PgValues.ToInstant(r.GetDateTime(5)))
        {
            Attempts = r.GetInt32(6),
            NextAttemptAt = r.IsDBNull(7) ? null : PgValues.ToInstant(r.GetDateTime(7)),
            LastError = r.IsDBNull(8) ? null : r.GetString(8),
        };
}
