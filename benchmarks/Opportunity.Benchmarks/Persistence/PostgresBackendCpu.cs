using System.Globalization;
using Npgsql;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// CPU time of PostgreSQL's sessions on this machine (loopback servers only): the server's share of a
/// measured operation, which the client's <see cref="System.Diagnostics.Process.TotalProcessorTime"/> does not count.
/// </summary>
internal static class PostgresBackendCpu
{
    /// <summary>utime + stime in milliseconds of the sessions whose <c>application_name</c> is <paramref name="applicationName"/> (pooled sessions live across calls: take differences).</summary>
    public static async Task<double> MillisecondsAsync(NpgsqlDataSource monitor, string applicationName)
    {
        await using var command = monitor.CreateCommand("SELECT pid FROM pg_stat_activity WHERE application_name = $1;");
        command.Parameters.Add(new NpgsqlParameter { Value = applicationName });
        await using var reader = await command.ExecuteReaderAsync();
        var ticks = 0L;
        while (await reader.ReadAsync())
        {
            var stat = $"/proc/{reader.GetInt32(0)}/stat";
            if (File.Exists(stat))
            {
                // Fields 14 and 15 of proc(5), counted after the command name's closing parenthesis.
                var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
    }
}
