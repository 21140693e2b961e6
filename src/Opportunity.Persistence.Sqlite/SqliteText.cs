using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Opportunity.Persistence.Sqlite;

/// <summary>How values become SQLite text: fixed-width UTC instants that sort as text, ISO dates.</summary>
internal static class SqliteText
{
    private static readonly InstantPattern InstantText = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffff'Z'");
    private static readonly Instant Min = Instant.FromUtc(1, 1, 1, 0, 0);

    /// <summary>An instant as <c>2025-03-03T09:00:00.000000000Z</c>; years 1 to 9999 so that text order is time order.</summary>
    public static string Of(Instant instant, string entity, string? id, string field) =>
        instant >= Min
            ? InstantText.Format(instant)
            : throw new StoreDataException(entity, id, field, $"Instant {instant} is before year 1, which the SQLite store cannot order.");

    public static object OfOrNull(Instant? instant, string entity, string? id, string field) =>
        instant is { } value ? Of(value, entity, id, field) : DBNull.Value;

    public static Instant ToInstant(string text) => InstantText.Parse(text).Value;

    public static Instant? ToInstantOrNull(object value) => value is string text ? ToInstant(text) : null;

    public static string Of(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture);
}
