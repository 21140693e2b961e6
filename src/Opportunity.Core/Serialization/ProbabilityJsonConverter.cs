using System.Text.Json;
using System.Text.Json.Serialization;

namespace Opportunity.Serialization;

/// <summary>
/// A probability as an exact decimal number from 0 to 1 with at most four decimals (<c>0.25</c>),
/// the form clients expect; reading refuses values outside [0, 1] or finer than a basis point.
/// </summary>
internal sealed class ProbabilityJsonConverter : JsonConverter<Probability>
{
    public override Probability Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
        {
            throw new JsonException($"Probability must be a decimal number from 0 to 1, got {reader.TokenType}.");
        }

        try
        {
            return Probability.FromDecimal(value);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, Probability value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Value);
}
