using System.Text.Json;
using System.Text.Json.Serialization;

namespace Opportunity.Serialization;

/// <summary>A currency as its ISO 4217 code, e.g. <c>"EUR"</c>, also as a dictionary key; unknown codes are refused.</summary>
internal sealed class CurrencyCodeJsonConverter : JsonConverter<CurrencyCode>
{
    public override CurrencyCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Create(reader.GetString()!)
            : throw new JsonException($"CurrencyCode must be a JSON string, got {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, CurrencyCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Code);

    public override CurrencyCode ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Create(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, CurrencyCode value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Code);

    /// <summary>The strict constructor (upper case, registered code), its errors as JSON errors.</summary>
    internal static CurrencyCode Create(string code)
    {
        try
        {
            return new CurrencyCode(code);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
