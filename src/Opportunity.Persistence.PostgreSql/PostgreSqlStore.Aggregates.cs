using System.Runtime.CompilerServices;
using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Inserts (version 0) or version-checked updates an aggregate row and appends its pending
    /// events to the outbox, in one transaction of the aggregate's tenant; marks the aggregate
    /// committed after the commit.
    /// </summary>
    private Task SaveAsync(AggregateRoot aggregate, string table, string document, IReadOnlyList<(string Column, object? Value)> columns, CancellationToken cancellationToken) =>
        SaveAsync(new AggregateRow(aggregate, table, document, columns), cancellationToken);

    private async Task SaveAsync(AggregateRow row, CancellationToken cancellationToken)
    {
        var messages = row.Aggregate.PendingEvents.Select(OutboxMessage.FromDomainEvent).ToList();
        await RunAsync(
            DbScope.Of(row.Aggregate.Tenant),
            async (connection, transaction) =>
            {
                await WriteRowAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
                Fault("after-state");
                await InsertOutboxAsync(connection, transaction, messages, cancellationToken).ConfigureAwait(false);
                Fault("after-outbox");
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        row.Aggregate.MarkCommitted(row.Aggregate.Version + 1);
    }

    /// <summary>
    /// Inside the caller's transaction: inserts (version 0) or version-checked updates one
    /// aggregate row. A version mismatch throws <see cref="ConcurrencyException"/>; a second
    /// opportunity for a source lead lets the unique violation through (the transaction is
    /// aborted, so the caller reads the existing opportunity after the rollback).
    /// </summary>
    private async Task WriteRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AggregateRow row, CancellationToken cancellationToken)
    {
        var (aggregate, table, document, columns) = row;
        var n = columns.Count;
        var sql = aggregate.Version == 0
            ? $"INSERT INTO {_schema}.{table} (tenant, id, version, document, {string.Join(", ", columns.Select(c => c.Column))}) VALUES ($1, $2, $3, $4::jsonb, {string.Join(", ", Enumerable.Range(6, n).Select(i => $"${i}"))}) ON CONFLICT (tenant, id) DO NOTHING;"
            : $"UPDATE {_schema}.{table} SET version = $3, document = $4::jsonb, {string.Join(", ", columns.Select((c, i) => $"{c.Column} = ${i + 6}"))} WHERE tenant = $1 AND id = $2 AND version = $5;";
        using var command = Command(connection, transaction, sql, [aggregate.Tenant.Value, aggregate.AggregateId, aggregate.Version + 1, document, aggregate.Version, .. columns.Select(c => c.Value)]);
        int rows;
        try
        {
            rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal) && !IsSourceLeadTaken(ex))
        {
            throw ConstraintViolation(aggregate.AggregateKind, aggregate.AggregateId, ex);
        }

        if (rows == 0)
        {
            using var probe = Command(connection, transaction, $"SELECT version FROM {_schema}.{table} WHERE tenant = $1 AND id = $2;", [aggregate.Tenant.Value, aggregate.AggregateId]);
            var stored = await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
            throw new ConcurrencyException(aggregate.AggregateKind, aggregate.AggregateId, aggregate.Version, stored);
        }
    }

    /// <summary>The unique index of one opportunity per source lead refused a second one.</summary>
    private static bool IsSourceLeadTaken(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == SourceLeadIndex;

    /// <summary>One aggregate's row as a write sees it: the aggregate, its table, its document and its indexed columns.</summary>
    private readonly record struct AggregateRow(AggregateRoot Aggregate, string Table, string Document, IReadOnlyList<(string Column, object? Value)> Columns);

    /// <summary>
    /// Claims due rows across tenants through the owner's <c>claim_due_{table}</c> function (migration 6):
    /// it locks the oldest due rows whose lease is free, expired or the claimant's own with <c>FOR UPDATE
    /// SKIP LOCKED</c> (rows another host is claiming right now are skipped, not waited for), leases
    /// them, and returns them oldest due first. The app role cannot read across tenants otherwise.
    /// </summary>
    private Task<List<T>> ClaimDueRowsAsync<T>(string table, DueWorkClaim claim, Func<string, long, string, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return WriteReturningAsync(
            DbScope.NoTenant,
            $"SELECT id, version, document FROM {_schema}.claim_due_{table}($1, $2, $3, $4);",
            [PgValues.Floor(claim.Now), claim.Owner, claim.MaxItems, PgValues.Ceiling(claim.Now + claim.LeaseDuration)],
            r => read(r.GetString(0), r.GetInt64(1), r.GetString(2)),
            cancellationToken);
    }

    /// <summary>Runs a writing statement that returns rows (e.g. <c>UPDATE … RETURNING</c>) in one transaction of <paramref name="scope"/>; the rows read, after the commit.</summary>
    private Task<List<T>> WriteReturningAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        RunAsync(
            scope,
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, sql, parameters);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var rows = new List<T>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }

                return rows;
            },
            cancellationToken);

    /// <summary>Streams the rows of a read query in one scoped transaction.</summary>
    private async IAsyncEnumerable<T> ReadRowsAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (connection, transaction) = await BeginAsync(scope, cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            using (var command = Command(connection, transaction, sql, parameters))
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return read(reader);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The aggregate document of <paramref name="id"/> in <paramref name="table"/> if <paramref name="where"/> (the scope) lets it be seen.</summary>
    private Task<T?> FindDocumentAsync<T>(AccessScope scope, string table, string where, List<object?> parameters, string id, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        parameters.Add(id);
        return ReadOneAsync(DbScope.Of(scope), $"SELECT id, version, document::text FROM {_schema}.{table} WHERE {where} AND id = ${parameters.Count};", parameters, read, cancellationToken);
    }

    /// <summary>Streams the aggregate documents of <paramref name="table"/> matching <paramref name="where"/>, by id; <paramref name="read"/> sees id, version, document.</summary>
    private IAsyncEnumerable<T> QueryDocumentsAsync<T>(AccessScope scope, string table, string where, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        ReadRowsAsync(DbScope.Of(scope), $"SELECT id, version, document::text FROM {_schema}.{table} WHERE {where} ORDER BY id;", parameters, read, cancellationToken);

    /// <summary>Reads all rows of a read query, in one scoped transaction, into a list.</summary>
    private async Task<IReadOnlyList<T>> ReadListAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var item in ReadRowsAsync(scope, sql, parameters, read, cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    private async Task<T?> ReadOneAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        T? found = null;
        await foreach (var item in ReadRowsAsync(scope, sql, parameters, read, cancellationToken).ConfigureAwait(false))
        {
            found ??= item;
        }

        return found;
    }
}
