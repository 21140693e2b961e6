using System.Text.Json;
using System.Text.Json.Serialization;
using Opportunity.Partners;

namespace Opportunity.Serialization;

/// <summary>The converters of the library's code types.</summary>
internal static class CodeJsonConverter
{
    public static readonly CodeJsonConverter<CurrencyCode> Currency = new(text => new CurrencyCode(text), c => c.Code);

    public static readonly CodeJsonConverter<CountryCode> Country = new(text => new CountryCode(text), c => c.Code);
}

/// <summary>
/// A code value type (<see cref="CurrencyCode"/>, <see cref="CountryCode"/>) as its code string,
/// e.g. <c>"EUR"</c>, also as a dictionary key. Reading goes through the type's strict constructor,
/// whose errors become <see cref="JsonException"/>s.
/// </summary>
internal sealed class CodeJsonConverter<TCode>(Func<string, TCode> create, Func<TCode, string> code) : JsonConverter<TCode>
{
    public override TCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Create(reader.GetString()!)
            : throw new JsonException($"{typeof(TCode).Name} must be a JSON string, got {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, TCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(code(value));

    public override TCode ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Create(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TCode value, JsonSerializerOptions options) =>
        writer.WritePropertyName(code(value));

    /// <summary>The strict constructor, its errors as JSON errors.</summary>
    internal TCode Create(string text)
    {
        try
        {
            return create(text);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidInputException)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
