using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>The savepoint each store call in the caller's transaction runs in.</summary>
    private const string Savepoint = "opportunity_store";

    /// <summary>
    /// The caller's transaction of the open <see cref="StoreTransaction"/> scope, or null without one.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scope holds another provider's transaction, or one on another database than the store's. (A completed one Npgsql refuses itself at the first command.)</exception>
    private NpgsqlTransaction? CallerTransaction()
    {
        if (StoreTransaction.Current is not { } scope)
        {
            return null;
        }

        if (scope.Transaction is not NpgsqlTransaction transaction)
        {
            throw new InvalidOperationException($"The open StoreTransaction holds a {scope.Transaction.GetType().Name}; PostgreSqlStore runs only in an NpgsqlTransaction.");
        }

        if (_database is not null && scope.Connection.Database is { Length: > 0 } database && !string.Equals(database, _database, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The open StoreTransaction is on database '{database}', the store on '{_database}'; the library's rows would be written to the wrong database.");
        }

        return transaction;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a savepoint of the caller's transaction, one store call at a time:
    /// saves the row-level security settings, sets the call's scope (transaction-local), runs the work,
    /// then releases the savepoint and puts the settings back, so the caller's own later statements see
    /// what they saw before. A failure, or <paramref name="commitWhen"/> saying no, rolls back to the
    /// savepoint (undoing the settings too) and leaves the caller's transaction usable. Commits nothing,
    /// retries nothing: a serialization failure or deadlock becomes <see cref="TransactionRetryRequiredException"/>.
    /// </summary>
    private async Task<T> RunInCallerTransactionAsync<T>(NpgsqlTransaction transaction, DbScope scope, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, Func<T, bool>? commitWhen, string operation, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        var connection = (NpgsqlConnection)StoreTransaction.Current!.Connection;
        using var turn = await StoreTransaction.Current.BeginOperationAsync(cancellationToken).ConfigureAwait(false);
        var previous = await EnterSavepointAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
        T result;
        try
        {
            result = await work(connection, transaction).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            await UndoSavepointAsync(connection, transaction).ConfigureAwait(false);
            throw new TransactionRetryRequiredException(operation, $"{ex.MessageText}, {ex.SqlState}", ex);
        }
        catch
        {
            await UndoSavepointAsync(connection, transaction).ConfigureAwait(false);
            throw;
        }

        if (commitWhen?.Invoke(result) ?? true)
        {
            using var leave = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"RELEASE SAVEPOINT {Savepoint}"),
                    SetScope("SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', $2, true), set_config('opportunity.system', $3, true)", previous.Tenant, previous.Partner, previous.System),
                },
            };
            await leave.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await UndoSavepointAsync(connection, transaction).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Reads the caller's row-level security settings, opens the savepoint and sets the call's scope, in one round trip.</summary>
    private static async Task<(string Tenant, string Partner, string System)> EnterSavepointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DbScope scope, CancellationToken cancellationToken)
    {
        using var enter = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT coalesce(current_setting('opportunity.tenant', true), ''), coalesce(current_setting('opportunity.partner', true), ''), coalesce(current_setting('opportunity.system', true), '')"),
                new NpgsqlBatchCommand($"SAVEPOINT {Savepoint}"),
                SetScope("SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', $2, true), set_config('opportunity.system', 'off', true)", scope.Tenant, scope.Partner),
            },
        };
        using var reader = await enter.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    /// <summary>
    /// Rolls the caller's transaction back to the savepoint (undoing the call's rows and settings) and
    /// drops it. Never masks the call's own error: a connection too broken for this has lost the
    /// caller's transaction anyway, and the caller learns that from its next statement.
    /// </summary>
    private static async Task UndoSavepointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        try
        {
            using var undo = new NpgsqlCommand($"ROLLBACK TO SAVEPOINT {Savepoint}; RELEASE SAVEPOINT {Savepoint};", connection, transaction);
            await undo.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The call's error propagates; see the summary.
        }
    }

    private static NpgsqlBatchCommand SetScope(string sql, params string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
