using System.Text.Json;
using System.Text.Json.Serialization;

namespace Opportunity.Serialization;

/// <summary>
/// A strongly typed id as its plain text, also as a dictionary key; read through the id's own
/// <see cref="ISpanParsable{TSelf}"/>, so JSON, routes and queries accept exactly the same ids.
/// </summary>
internal sealed class IdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, ISpanParsable<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Parse(reader.GetString()!)
            : throw new JsonException($"{typeof(TId).Name} must be a JSON string, got {reader.TokenType}.");

    // A default (unset) id writes "", as the stores do; reading refuses it.
    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString()!);

    private static TId Parse(string text)
    {
        try
        {
            return TId.Parse(text, null);
        }
        catch (FormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
