using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The statements every port builds the same way: positional parameters, a plain statement, a scope switch, a refused value.</summary>
internal static class PgCommands
{
    /// <summary>A command in <paramref name="transaction"/> with <paramref name="parameters"/> as <c>$1</c>, <c>$2</c>, … (null as SQL NULL).</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<object?> parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A constraint violation reported by PostgreSQL, as a typed error naming the constraint or column.</summary>
    public static StoreDataException ConstraintViolation(string entity, string id, PostgresException ex) =>
        new(entity, id, ex.ColumnName ?? ex.ConstraintName ?? "row", $"The database refused the value ({ex.SqlState}: {ex.MessageText}).", ex);

    /// <summary>Points the running transaction's row-level security at <paramref name="tenant"/> (manufacturer scope), e.g. per tenant of a batch.</summary>
    public static async Task SetTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenant, CancellationToken cancellationToken)
    {
        using var set = Command(connection, transaction, "SELECT set_config('opportunity.tenant', $1, true), set_config('opportunity.partner', '', true);", [tenant]);
        await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
