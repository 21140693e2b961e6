using NodaTime;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// Instants and dates as PostgreSQL stores them. <c>timestamptz</c> has microsecond resolution:
/// due times and lease ends are rounded up (work never becomes due early), the claim's "now" and
/// other instants are rounded down. The JSON documents keep every instant exactly.
/// </summary>
internal static class PgValues
{
    public static DateTime Floor(Instant instant) => DateTime.UnixEpoch.AddTicks(Micros(instant, up: false) * 10);

    public static DateTime Ceiling(Instant instant) => DateTime.UnixEpoch.AddTicks(Micros(instant, up: true) * 10);

    public static object FloorOrNull(Instant? instant) => instant is { } value ? Floor(value) : DBNull.Value;

    public static object CeilingOrNull(Instant? instant) => instant is { } value ? Ceiling(value) : DBNull.Value;

    public static Instant ToInstant(DateTime value) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateOnly Of(LocalDate date) => date.ToDateOnly();

    private static long Micros(Instant instant, bool up)
    {
        var ticks = instant.ToUnixTimeTicks(); // rounded towards the start of time
        var micros = Math.DivRem(ticks, 10, out var tickRest);
        if (tickRest < 0)
        {
            micros--;
            tickRest += 10;
        }

        var exact = tickRest == 0 && (instant - Instant.FromUnixTimeTicks(ticks)) == Duration.Zero;
        return up && !exact ? micros + 1 : micros;
    }
}
