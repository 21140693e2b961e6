using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Opportunity.Forecasting;

/// <summary>
/// Writes a <see cref="PipelineReport"/> as JSON in the shape
/// <c>{"currency":"EUR","groups":[{"key":"…","count":n,"amount":"1234.50","weighted":"617.25"}],"total":{"count":n,"amount":"…","weighted":"…"}}</c>.
/// Amounts are exact decimal strings with the currency's minor-unit digits (never JSON numbers,
/// which many readers parse as binary floating point).
/// </summary>
public static class PipelineReportJson
{
    /// <summary>Writes the report to a JSON writer.</summary>
    public static void Write(Utf8JsonWriter writer, PipelineReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteString("currency", report.Currency.Code);
        writer.WriteStartArray("groups");
        foreach (var line in report.Groups)
        {
            writer.WriteStartObject();
            writer.WriteString("key", line.Key);
            WriteFigures(writer, line);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("total");
        WriteFigures(writer, report.Total);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The report as a JSON string.</summary>
    public static string ToJson(PipelineReport report, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, report);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An amount as an exact decimal string with the currency's minor-unit digits, e.g. <c>1234.50</c>.</summary>
    public static string FormatAmount(Money amount) =>
        amount.Amount.ToString("F" + amount.Currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static void WriteFigures(Utf8JsonWriter writer, PipelineReportLine line)
    {
        writer.WriteNumber("count", line.Count);
        writer.WriteString("amount", FormatAmount(line.Amount));
        writer.WriteString("weighted", FormatAmount(line.Weighted));
    }
}
