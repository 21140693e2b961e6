using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Opportunity.Diagnostics;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

// The reads every port makes: rows of a query streamed, listed or the first one, on a connection of
// their own or, in a StoreTransaction scope, in the caller's transaction.
public sealed partial class SqliteStore
{
    /// <summary>
    /// Streams rows of a read query as items, on its own connection (WAL: readers never wait for the
    /// writer). In the caller's transaction the rows are read there, completely, before the first is used.
    /// </summary>
    internal async IAsyncEnumerable<T> ReadRowsAsync<T>(string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteDataReader, T> read, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        if (StoreTransaction.Current is not null)
        {
            var rows = await WriteAsync(
                async (connection, transaction) =>
                {
                    var list = new List<T>();
                    using var command = Command(connection, transaction, sql, [.. parameters]);
                    using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        list.Add(read(reader));
                    }

                    return list;
                },
                cancellationToken,
                operation).ConfigureAwait(false);
            foreach (var row in rows)
            {
                yield return row;
            }

            yield break;
        }

        using var activity = OpportunityTelemetry.StartStoreActivity(DbSystem, operation);
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = Command(connection, null, sql, [.. parameters]);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return read(reader);
        }
    }

    /// <summary>Reads all rows of a read query into a list.</summary>
    internal async Task<IReadOnlyList<T>> ReadListAsync<T>(string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        var list = new List<T>();
        await foreach (var item in ReadRowsAsync(sql, parameters, read, cancellationToken, operation).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    internal async Task<T?> ReadOneAsync<T>(string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
        where T : class
    {
        await foreach (var item in ReadRowsAsync(sql, parameters, read, cancellationToken, operation).ConfigureAwait(false))
        {
            return item;
        }

        return null;
    }
}
