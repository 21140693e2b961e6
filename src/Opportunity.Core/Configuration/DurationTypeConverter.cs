using System.ComponentModel;
using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Opportunity.Configuration;

/// <summary>
/// Reads a NodaTime <see cref="Duration"/> from configuration text in the forms .NET developers
/// write: a <see cref="TimeSpan"/> string (<c>00:00:10</c>, <c>1.02:00:00</c>), ISO-8601
/// (<c>PT10S</c>, <c>P1DT2H</c>) or NodaTime's own round-trip pattern (<c>0:00:00:10</c>, what
/// NodaTime's converter alone accepts). Writes NodaTime's round-trip pattern, as NodaTime does.
/// </summary>
internal sealed class DurationTypeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? Parse(text) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is Duration duration
            ? DurationPattern.Roundtrip.Format(duration)
            : base.ConvertTo(context, culture, value, destinationType);

    /// <exception cref="FormatException">The text is none of the accepted forms; the message lists them.</exception>
    public static Duration Parse(string text)
    {
        var trimmed = text.Trim();

        // "c" only, and with a colon: "10" would otherwise read as ten days.
        if (trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out var timeSpan))
        {
            return Duration.FromTimeSpan(timeSpan);
        }

        if (trimmed.StartsWith('P') || trimmed.StartsWith("-P", StringComparison.Ordinal))
        {
            var iso = PeriodPattern.NormalizingIso.Parse(trimmed);
            if (iso.Success && iso.Value is { Years: 0, Months: 0 } period)
            {
                return period.ToDuration();
            }
        }

        var roundtrip = DurationPattern.Roundtrip.Parse(trimmed);
        if (roundtrip.Success)
        {
            return roundtrip.Value;
        }

        throw new FormatException(
            $"'{text}' is not a duration. Write a TimeSpan ('00:00:10', '1.02:00:00'), ISO-8601 without years or months ('PT10S', 'P1DT2H') or NodaTime's 'D:hh:mm:ss' ('0:00:00:10').");
    }
}
