using Microsoft.Data.Sqlite;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The statements every part of the adapter builds: a parameterised command, a statement without result, a refused value as a typed error.</summary>
internal static class SqliteCommands
{
    /// <summary>SQLITE_CONSTRAINT: a CHECK, NOT NULL, UNIQUE or trigger refused the statement.</summary>
    internal const int SqliteConstraint = 19;

    /// <summary>SQLITE_CONSTRAINT_UNIQUE, the extended code of a unique index refusing a row.</summary>
    internal const int SqliteUniqueViolation = 2067;

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> with its parameters (null as <see cref="DBNull"/>).</summary>
    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>Runs a statement without parameters or result.</summary>
    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A CHECK or NOT NULL violation reported by SQLite, as a typed error naming the column.</summary>
    internal static StoreDataException ConstraintViolation(string entity, string id, SqliteException ex)
    {
        var message = ex.Message;
        var at = message.IndexOf("failed: ", StringComparison.Ordinal);
        var field = at < 0 ? "row" : message[(at + "failed: ".Length)..].Trim().TrimEnd('.', '\'');
        return new StoreDataException(entity, id, field, "The database refused the value.", ex);
    }
}
