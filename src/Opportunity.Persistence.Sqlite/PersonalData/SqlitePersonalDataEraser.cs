using Microsoft.Data.Sqlite;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The personal-data eraser of a <see cref="SqliteStore"/>: erased records written with their events and the values scrubbed from every table, in one transaction.</summary>
internal sealed class SqlitePersonalDataEraser(SqliteStore store) : IPersonalDataEraser
{
    /// <inheritdoc />
    /// <remarks>
    /// One write transaction: the erased leads and opportunities are written version-checked with their
    /// events; then every text column of every table with a <c>tenant</c> column (key columns aside) has
    /// the values replaced in the tenant's rows, found by <c>instr</c>, one statement per table, so a table
    /// a later version adds is covered too; a row with a <c>version</c> column gets a new version (a stale
    /// writer cannot put a value back; the change feed sees changed opportunities). Connections run with
    /// <c>PRAGMA secure_delete = ON</c>, so the replaced bytes are zeroed in the pages rather than left in
    /// free space, and after the commit a <c>wal_checkpoint(TRUNCATE)</c> copies the pages into the file and
    /// empties the WAL, whose old frames still hold them (it waits for no reader: when one holds the WAL,
    /// the next checkpoint finishes the job). In the caller's transaction the checkpoint is left to the caller.
    /// </remarks>
    public async Task<int> EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        List<AggregateRoot> records = [.. erasure.Leads, .. erasure.Opportunities];
        if (records.FirstOrDefault(a => a.Tenant != erasure.Tenant) is { } other)
        {
            throw new ArgumentException($"{other.AggregateKind} '{other.AggregateId}' belongs to tenant '{other.Tenant}', not '{erasure.Tenant}'.", nameof(erasure));
        }

        List<SqliteStore.AggregateRow> rows = [.. erasure.Leads.Select(LeadRows.LeadRow), .. erasure.Opportunities.Select(OpportunityRows.OpportunityRow)];
        List<OutboxMessage> messages = [.. records.SelectMany(r => r.PendingEvents).Select(OutboxMessage.FromDomainEvent)];
        var forms = ErasedText.Forms(erasure.Values);
        var scrubbed = await store.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var row in rows)
                {
                    await SqliteStore.WriteRowAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                }

                await OutboxRows.InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                foreach (var record in records)
                {
                    await store.InsertHistoryAsync(connection, transaction, record, cancellationToken).ConfigureAwait(false);
                }

                return forms.Count == 0 ? 0 : await ScrubAsync(connection, transaction, erasure.Tenant, forms, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            record.MarkCommitted(record.Version + 1);
        }

        if (SqliteStore.CallerTransaction() is null)
        {
            using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken).ConfigureAwait(false);
        }

        return scrubbed;
    }

    /// <summary>Replaces <paramref name="forms"/> in every non-key text column of the tenant's rows of every table; returns the rows changed.</summary>
    private static async Task<int> ScrubAsync(SqliteConnection connection, SqliteTransaction transaction, TenantId tenant, IReadOnlyList<string> forms, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        using (var list = Command(connection, transaction, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"))
        using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var formParameters = forms.Select((f, i) => ($"$f{i}", (object?)f)).ToList();
        var changed = 0;
        foreach (var table in tables)
        {
            var columns = new List<(string Name, string Type, bool Key)>();
            using (var info = Command(connection, transaction, "SELECT name, type, pk FROM pragma_table_info($table);", ("$table", table)))
            using (var reader = await info.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2) > 0));
                }
            }

            if (!columns.Any(c => c.Name == "tenant"))
            {
                continue;
            }

            var text = columns.Where(c => !c.Key && c.Name is not ("tenant" or "id") && c.Type.Contains("TEXT", StringComparison.OrdinalIgnoreCase)).Select(c => $"\"{c.Name}\"").ToList();
            if (text.Count == 0)
            {
                continue;
            }

            string Replaced(string column) => formParameters.Aggregate(column, (sql, f) => $"replace({sql}, {f.Item1}, $replacement)");
            var sets = text.Select(c => $"{c} = {Replaced(c)}").ToList();
            if (columns.Any(c => c.Name == "version"))
            {
                sets.Add("version = version + 1");
            }

            var where = string.Join(" OR ", text.SelectMany(c => formParameters.Select(f => $"instr({c}, {f.Item1}) > 0")));
            using var update = Command(
                connection,
                transaction,
                $"UPDATE \"{table}\" SET {string.Join(", ", sets)} WHERE tenant = $tenant AND ({where});",
                [("$tenant", tenant.Value), ("$replacement", ErasedText.Replacement), .. formParameters]);
            changed += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }
}
