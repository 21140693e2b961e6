using Microsoft.Data.Sqlite;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>Outbox rows as every write appends them (ids purged earlier ignored) and as they are read back.</summary>
internal static class OutboxRows
{
    /// <summary>The columns of a message, in the order <see cref="ReadMessage"/> reads them.</summary>
    internal const string MessageColumns = "id, tenant, topic, type, payload, created_at, attempts, next_attempt_at, last_error";

    /// <summary>Appends messages to the outbox inside the caller's transaction; an id already present (in any state) is ignored.</summary>
    internal static async Task<int> InsertOutboxAsync(SqliteConnection connection, SqliteTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
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

    /// <summary>The messages whose ids were not purged earlier (a purged id, enqueued again, is ignored like any id already present).</summary>
    internal static async Task<List<OutboxMessage>> WithoutPurgedAsync(SqliteConnection connection, SqliteTransaction transaction, List<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return messages;
        }

        using var probe = Command(connection, transaction, "SELECT 1 FROM outbox_purged WHERE id_hash = $hash;", ("$hash", null));
        var kept = new List<OutboxMessage>(messages.Count);
        foreach (var message in messages)
        {
            probe.Parameters["$hash"].Value = StoredValues.OutboxIdHash(message.Tenant, message.Id);
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                kept.Add(message);
            }
        }

        return kept;
    }

    internal static OutboxMessage ReadMessage(SqliteDataReader r) =>
        new(r.GetString(0), new TenantId(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), SqliteText.ToInstant(r.GetString(5)))
        {
            Attempts = r.GetInt32(6),
            NextAttemptAt = SqliteText.ToInstantOrNull(r.GetValue(7)),
            LastError = r.IsDBNull(8) ? null : r.GetString(8),
        };
}
