using System.Text.Json;
using System.Text.Json.Serialization;
using Opportunity.Partners;

namespace Opportunity.Serialization;

/// <summary>A country as its ISO 3166-1 alpha-2 code, e.g. <c>"DE"</c>, also as a dictionary key.</summary>
internal sealed class CountryCodeJsonConverter : JsonConverter<CountryCode>
{
    public override CountryCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Create(reader.GetString()!)
            : throw new JsonException($"CountryCode must be a JSON string, got {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, CountryCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Code);

    public override CountryCode ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Create(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, CountryCode value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Code);

    private static CountryCode Create(string code)
    {
        try
        {
            return new CountryCode(code);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
