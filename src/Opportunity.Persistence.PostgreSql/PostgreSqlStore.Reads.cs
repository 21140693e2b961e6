using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Diagnostics;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

// The reads every port makes: rows of one query in one scoped transaction (or in the caller's).
public sealed partial class PostgreSqlStore
{
    /// <summary>Runs a writing statement that returns rows (e.g. <c>UPDATE … RETURNING</c>) in one transaction of <paramref name="scope"/>; the rows read, after the commit.</summary>
    internal Task<List<T>> WriteReturningAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "") =>
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
            cancellationToken,
            operation: operation);

    /// <summary>
    /// Streams the rows of a read query in one scoped transaction. In the caller's transaction the rows
    /// are read completely first: the caller's connection is free again before the first row is used.
    /// </summary>
    internal async IAsyncEnumerable<T> ReadRowsAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken cancellationToken, [CallerMemberName] string operation = "", bool serialPlan = false)
    {
        if (StoreTransaction.Current is not null)
        {
            foreach (var row in await WriteReturningAsync(scope, sql, parameters, read, cancellationToken, operation).ConfigureAwait(false))
            {
                yield return row;
            }

            yield break;
        }

        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, operation, scope.Tenant);
        var (connection, transaction) = await BeginAsync(scope, cancellationToken).ConfigureAwait(false);
        using (connection)
        using (transaction)
        {
            if (serialPlan)
            {
                await ExecuteAsync(connection, transaction, "SET LOCAL max_parallel_workers_per_gather = 0;", cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>
    /// Reads all rows of a read query, in one scoped transaction, into a list. With
    /// <paramref name="serialPlan"/> the query runs in one backend (no parallel workers) when the
    /// store owns the transaction; a caller's transaction keeps its own settings.
    /// </summary>
    internal async Task<IReadOnlyList<T>> ReadListAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "", bool serialPlan = false)
    {
        var list = new List<T>();
        await foreach (var item in ReadRowsAsync(scope, sql, parameters, read, cancellationToken, operation, serialPlan).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    internal async Task<T?> ReadOneAsync<T>(DbScope scope, string sql, IReadOnlyList<object?> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
        where T : class
    {
        T? found = null;
        await foreach (var item in ReadRowsAsync(scope, sql, parameters, read, cancellationToken, operation).ConfigureAwait(false))
        {
            found ??= item;
        }

        return found;
    }
}
