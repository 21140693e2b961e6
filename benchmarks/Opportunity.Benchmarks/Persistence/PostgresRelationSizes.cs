using Npgsql;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Prints the on-disk bytes of every table of a schema, split into its heap (main fork with free-space and
/// visibility maps), its TOAST table and each index, per unit (a lead, an opportunity): what
/// <c>pg_total_relation_size</c> sums, itemised.
/// </summary>
internal static class PostgresRelationSizes
{
    /// <summary>Prints every table with its parts and returns the sum of <c>pg_total_relation_size</c> over the schema's tables.</summary>
    public static async Task<long> PrintAsync(NpgsqlConnection connection, string schema, int units, string unit)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, pg_total_relation_size(c.oid),
                   pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm'),
                   coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0),
                   coalesce((SELECT string_agg(i.relname || '=' || pg_relation_size(i.oid), ';' ORDER BY pg_relation_size(i.oid) DESC)
                             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r'
            ORDER BY 2 DESC, 1;
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var bytes = reader.GetInt64(1);
            total += bytes;
            Console.WriteLine($"  {reader.GetString(0),-22}{bytes,14:N0} B {bytes / (double)units,8:N0} B/{unit}");
            Console.WriteLine($"    {"heap",-20}{reader.GetInt64(2),14:N0} B {reader.GetInt64(2) / (double)units,8:N0} B/{unit}");
            if (reader.GetInt64(3) > 0)
            {
                Console.WriteLine($"    {"toast",-20}{reader.GetInt64(3),14:N0} B {reader.GetInt64(3) / (double)units,8:N0} B/{unit}");
            }

            foreach (var index in reader.GetString(4).Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, size) = (index[..index.LastIndexOf('=')], long.Parse(index[(index.LastIndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                Console.WriteLine($"    {name,-20}{size,14:N0} B {size / (double)units,8:N0} B/{unit}");
            }
        }

        Console.WriteLine($"  total                 {total,14:N0} B {total / (double)units,8:N0} B/{unit}");
        return total;
    }
}
