using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.PostgreSql.LeadRows;
using static Opportunity.Persistence.PostgreSql.OpportunityRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>Personal-data erasure (<see cref="IPersonalDataEraser"/>) of a <see cref="PostgreSqlStore"/>.</summary>
internal sealed class PostgreSqlPersonalDataEraser(PostgreSqlStore db) : IPersonalDataEraser
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    /// <remarks>
    /// One transaction of the tenant: the erased leads and opportunities are written version-checked with
    /// their events, then the owner's function <c>erase_personal_text</c> (migration 41) replaces the values
    /// in every text, json and jsonb column of every table with a <c>tenant</c> column, in this tenant's rows
    /// only, raising <c>version</c> where there is one (the change feed sees changed opportunities). The old
    /// row versions stay in the table files as dead tuples until (auto)vacuum reclaims them, and in the WAL
    /// and backups; docs/persistence.md says what to do about that.
    /// </remarks>
    public async Task<int> EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        List<AggregateRoot> records = [.. erasure.Leads, .. erasure.Opportunities];
        if (records.FirstOrDefault(a => a.Tenant != erasure.Tenant) is { } other)
        {
            throw new ArgumentException($"{other.AggregateKind} '{other.AggregateId}' belongs to tenant '{other.Tenant}', not '{erasure.Tenant}'.", nameof(erasure));
        }

        List<AggregateRow> rows = [.. erasure.Leads.Select(LeadRow), .. erasure.Opportunities.Select(OpportunityRow)];
        List<OutboxMessage> messages = [.. records.SelectMany(r => r.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        var forms = ErasedText.Forms(erasure.Values).ToArray();
        var scrubbed = await db.RunAsync(
            DbScope.Of(erasure.Tenant),
            async (connection, transaction) =>
            {
                foreach (var row in rows)
                {
                    await db.WriteRowAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                }

                await db.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                await db.InsertHistoryAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
                if (forms.Length == 0)
                {
                    return 0;
                }

                using var command = Command(connection, transaction, $"SELECT {_schema}.erase_personal_text($1, $2);", [forms, ErasedText.Replacement]);
                return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            record.MarkCommitted(record.Version + 1);
        }

        return scrubbed;
    }
}
