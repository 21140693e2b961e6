using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using NodaTime;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The bulk importer of a <see cref="SqliteStore"/>: checked rows, their messages and feed entries written through prepared native statements in one transaction.</summary>
internal sealed class SqliteOpportunityImporter(SqliteStore store) : IOpportunityImporter
{
    /// <inheritdoc />
    public Task<ValidationResult<int>> ImportAsync(IEnumerable<SalesOpportunitySnapshot> opportunities, CancellationToken cancellationToken = default) =>
        ImportAsync(new OpportunityImportBatch { Opportunities = opportunities }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One write transaction (BEGIN IMMEDIATE, the file's <c>synchronous</c> setting unchanged, so
    /// the commit is as durable as every other write): the new partners
    /// (<c>INSERT … ON CONFLICT DO NOTHING</c>), the rows through one prepared INSERT, each row's
    /// messages right after it through another, then the batch's own messages. A producer thread
    /// reads and checks the rows (see <see cref="OpportunityImportRules"/>), serialises their
    /// documents in parallel chunks and then reads the batch's messages, while this thread inserts:
    /// SQLite has one writer, so everything else is taken off its path; the change feed's entries and,
    /// for an import larger than the table, the secondary indexes are written set-wise
    /// (<see cref="ImportUpkeep"/>). It commits only when every
    /// row passed the rules and no id was stored before; an exception (a crash, a cancellation, a
    /// throwing enumeration) rolls everything back.
    /// </remarks>
    public Task<ValidationResult<int>> ImportAsync(OpportunityImportBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                var errors = new List<ValidationError>();
                OpportunityImportRules.CheckPartners(batch.NewPartners, errors);
                if (errors.Count > 0)
                {
                    return ValidationResult<int>.Failure(errors);
                }

                // A large page cache keeps the indexes of a big batch in memory instead of spilling
                // dirty pages to the WAL before the commit; durability settings are not touched.
                // The connection may be the app's (StoreTransaction): its own setting comes back after.
                long previousCacheSize;
                using (var read = Command(connection, transaction, "PRAGMA cache_size;"))
                {
                    previousCacheSize = Convert.ToInt64(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }

                using (var cache = Command(connection, transaction, $"PRAGMA cache_size = -{ImportCacheKibibytes};"))
                {
                    cache.ExecuteNonQuery();
                }

                try
                {
                    InsertImportedPartners(connection, transaction, batch.NewPartners);
                    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    using var rows = new BlockingCollection<PreparedChunk>(boundedCapacity: 8);
                    using var messages = new BlockingCollection<OutboxMessage[]>(boundedCapacity: 8);
                    var checkedRows = new TaskCompletionSource<(List<ValidationError> Errors, int Count)>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var producer = Task.Run(() => Produce(batch, rows, messages, checkedRows, stop.Token), CancellationToken.None);
                    try
                    {
                        using var messageWriter = new ImportedMessageWriter(connection);
                        using var upkeep = new ImportUpkeep(connection, transaction, store.ImportIndexRebuildMinimum);
                        var conflicts = InsertImportedRows(connection, messageWriter, upkeep, rows.GetConsumingEnumerable(stop.Token));
                        var (ruleErrors, count) = await checkedRows.Task.ConfigureAwait(false);
                        var rowErrors = ruleErrors.Count > 0 ? ruleErrors : conflicts;
                        if (rowErrors.Count > 0)
                        {
                            await stop.CancelAsync().ConfigureAwait(false);
                            await Ignore(producer).ConfigureAwait(false);
                            return ValidationResult<int>.Failure(rowErrors);
                        }

                        upkeep.Finish();
                        store.Fault("after-state");
                        foreach (var chunk in messages.GetConsumingEnumerable(stop.Token))
                        {
                            messageWriter.Write(chunk);
                        }

                        await producer.ConfigureAwait(false);
                        store.Fault("after-outbox");
                        return ValidationResult<int>.Success(count);
                    }
                    catch
                    {
                        // Stop the producer before the transaction rolls back; its own failure (if
                        // any) is the cause and wins over the cancellation it caused here.
                        await stop.CancelAsync().ConfigureAwait(false);
                        await Ignore(producer).ConfigureAwait(false);
                        throw;
                    }
                }
                finally
                {
                    // The connection goes back with the cache it had (a pooled one's, or the app's own).
                    using var reset = Command(connection, transaction.Connection is null ? null : transaction, FormattableString.Invariant($"PRAGMA cache_size = {previousCacheSize};"));
                    reset.ExecuteNonQuery();
                }
            },
            cancellationToken,
            commitWhen: result => result.IsValid);
    }

    // The producer's end after the import was stopped: its exception (if any) is already the
    // cause being reported, or the cancellation this thread caused.
    private static async Task Ignore(Task producer)
    {
        try
        {
            await producer.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Page cache of an import's connection, in KiB (the default is 2,000).</summary>
    private const int ImportCacheKibibytes = 256 * 1024;

    /// <summary>Rows per chunk handed from the producer to the inserting thread.</summary>
    private const int ImportChunk = 2048;

    /// <summary>A row ready to insert: its document and column values, computed off the writer's thread, and its messages.</summary>
    private sealed record PreparedRow(int Index, TenantId Tenant, OpportunityId Id, byte[] Document, object?[] Values, IReadOnlyList<OutboxMessage> Messages);

    /// <summary>A chunk of prepared rows and their keys for the change feed (<see cref="ImportUpkeep.AfterChunk"/>).</summary>
    private sealed record PreparedChunk(PreparedRow[] Rows, byte[] Keys);

    // Reads and checks the rows (one thread, in order: the rules see duplicates), serialises each
    // chunk's documents in parallel, then reads the messages; both go to the inserting thread.
    private void Produce(OpportunityImportBatch batch, BlockingCollection<PreparedChunk> rows, BlockingCollection<OutboxMessage[]> messages, TaskCompletionSource<(List<ValidationError> Errors, int Count)> checkedRows, CancellationToken cancellationToken)
    {
        try
        {
            var chunk = new List<(OpportunityImportRow Row, int Index)>(ImportChunk);
            var result = OpportunityImportRules.CheckBatch(batch, store.Pipelines, (row, index) =>
            {
                chunk.Add((row, index));
                if (chunk.Count == ImportChunk)
                {
                    rows.Add(Prepare(chunk), cancellationToken);
                    chunk.Clear();
                }
            });
            if (result.Errors.Count == 0 && chunk.Count > 0)
            {
                rows.Add(Prepare(chunk), cancellationToken);
            }

            rows.CompleteAdding();
            checkedRows.SetResult(result);
            if (result.Errors.Count > 0)
            {
                return;
            }

            var buffer = new List<OutboxMessage>(ImportChunk);
            foreach (var message in batch.Messages)
            {
                buffer.Add(message);
                if (buffer.Count == ImportChunk)
                {
                    messages.Add([.. buffer], cancellationToken);
                    buffer.Clear();
                }
            }

            messages.Add([.. buffer], cancellationToken);
        }
        catch (Exception ex)
        {
            checkedRows.TrySetException(ex);
            throw;
        }
        finally
        {
            rows.CompleteAdding();
            messages.CompleteAdding();
        }
    }

    private PreparedChunk Prepare(List<(OpportunityImportRow Row, int Index)> chunk)
    {
        var prepared = new PreparedRow[chunk.Count];
        Parallel.For(0, chunk.Count, i =>
        {
            var (imported, index) = chunk[i];
            var row = imported.Opportunity;
            var stage = store.Pipelines.Get(row.PipelineId).GetStage(row.Stage);
            var stored = row with { Stage = stage.Name, Version = 1 };
            prepared[i] = new PreparedRow(index, stored.Tenant, stored.Id, SnapshotJson.SerializeToUtf8Bytes(stored), OpportunityRows.OpportunityValues(stored, stage), imported.Messages);
        });
        return new PreparedChunk(prepared, FeedKeys(prepared));
    }

    private static byte[] FeedKeys(PreparedRow[] rows)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(rows.Length * 32);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                json.WriteStringValue(row.Tenant.Value);
                json.WriteStringValue(row.Id.Value);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void InsertImportedPartners(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Partners.Partner> partners)
    {
        if (partners.Count == 0)
        {
            return;
        }

        using var insert = Command(connection, transaction, "INSERT INTO partners (tenant, id, name, is_active, document) VALUES ($tenant, $id, $name, $active, $document) ON CONFLICT (tenant, id) DO NOTHING;");
        var p = Parameters(insert, "$tenant", "$id", "$name", "$active", "$document");
        insert.Prepare();
        foreach (var partner in partners)
        {
            p[0].Value = partner.Tenant.Value;
            p[1].Value = partner.Id.Value;
            p[2].Value = partner.Name;
            p[3].Value = partner.IsActive ? 1 : 0;
            p[4].Value = SnapshotJson.Serialize(partner);
            insert.ExecuteNonQuery();
        }
    }

    // One prepared INSERT for every row, bound by position on the native statement (the document
    // as its UTF-8 bytes), each row's messages right after it, each chunk's feed entries after it; a
    // stored id is a conflict error (the primary key refuses it), never an overwrite; every one is
    // reported, so a caller skipping them retries once.
    private static List<ValidationError> InsertImportedRows(SqliteConnection connection, ImportedMessageWriter messages, ImportUpkeep upkeep, IEnumerable<PreparedChunk> chunks)
    {
        var columns = OpportunityRows.OpportunityColumnNames;
        using var insert = new SqliteBoundStatement(connection, $"INSERT INTO opportunities (tenant, id, document, {string.Join(", ", columns)}, version) VALUES ({string.Join(", ", Enumerable.Range(1, 3 + columns.Length).Select(i => "?" + i))}, 1);");
        var conflicts = new List<ValidationError>();
        foreach (var chunk in chunks)
        {
            foreach (var row in chunk.Rows)
            {
                insert.BindText(1, row.Tenant.Value);
                insert.BindText(2, row.Id.Value);
                insert.BindUtf8(3, row.Document);
                for (var i = 0; i < row.Values.Length; i++)
                {
                    insert.Bind(4 + i, row.Values[i]);
                }

                if (!insert.Execute(refusedBy: SqlitePrimaryKeyViolation))
                {
                    conflicts.Add(OpportunityImportRules.AlreadyStored(row.Index, row.Tenant, row.Id));
                }
                else if (conflicts.Count == 0)
                {
                    messages.Write(row.Messages);
                }
            }

            if (conflicts.Count == 0)
            {
                upkeep.AfterChunk(chunk.Keys, chunk.Rows.Length);
            }
        }

        return conflicts;
    }

    // Parameters created once and set by position: a prepared statement reused for every row.
    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names) =>
        [.. names.Select(name => command.Parameters.Add(new SqliteParameter(name, DBNull.Value)))];

    private const int SqlitePrimaryKeyViolation = 1555;
}
