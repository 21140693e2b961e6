using Microsoft.Data.Sqlite;
using NodaTime;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// Writes an import's outbox messages through one native prepared INSERT bound by position; an id
/// stored already is skipped (at-least-once de-duplication, as every outbox write does). The
/// import's messages share one instant, so its text is formatted once, not twice per message on
/// the one writing thread.
/// </summary>
internal sealed class ImportedMessageWriter(SqliteConnection connection) : IDisposable
{
    /// <summary>No extended result code is a refusal handled here: every constraint failure throws.</summary>
    private const int NoConstraint = -1;

    private readonly SqliteBoundStatement _insert = new(
        connection,
        $"INSERT INTO outbox ({OutboxRows.MessageColumns}, due_at, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending') ON CONFLICT (id) DO NOTHING;");

    private (Instant At, string Text)? _last;

    public void Write(IReadOnlyList<OutboxMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            _insert.BindText(1, m.Id);
            _insert.BindText(2, m.Tenant.Value);
            _insert.BindText(3, m.Topic);
            _insert.BindText(4, m.Type);
            _insert.BindText(5, m.Payload);
            _insert.BindText(6, TextOf(m.CreatedAt, m.Id, nameof(m.CreatedAt)));
            _insert.BindInt64(7, m.Attempts);
            _insert.Bind(8, SqliteText.OfOrNull(m.NextAttemptAt, nameof(OutboxMessage), m.Id, nameof(m.NextAttemptAt)));
            _insert.Bind(9, m.LastError);
            _insert.BindText(10, TextOf(m.DueAt, m.Id, nameof(m.DueAt)));
            _insert.Execute(refusedBy: NoConstraint);
        }
    }

    public void Dispose() => _insert.Dispose();

    private string TextOf(Instant at, string id, string field)
    {
        if (_last is not { } known || known.At != at)
        {
            _last = known = (at, SqliteText.Of(at, nameof(OutboxMessage), id, field));
        }

        return known.Text;
    }
}
