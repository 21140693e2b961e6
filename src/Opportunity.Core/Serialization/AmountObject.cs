using System.Text.Json;

namespace Opportunity.Serialization;

/// <summary>The <c>{"amount":"…","currency":"EUR"}</c> object shared by money and weighted values: the amount always a string.</summary>
internal static class AmountObject
{
    /// <summary>Reads the object's two members; <paramref name="type"/> names the value in errors.</summary>
    /// <exception cref="JsonException">Not an object, a number for the amount, an unknown currency, or a missing member.</exception>
    public static (string Amount, CurrencyCode Currency) Read(ref Utf8JsonReader reader, string type)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{type} must be an object {{\"amount\":\"123.45\",\"currency\":\"EUR\"}}.");
        }

        string? amount = null;
        CurrencyCode? currency = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "amount", StringComparison.OrdinalIgnoreCase))
            {
                amount = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw new JsonException($"{type}.amount must be a decimal string such as \"123.45\", not a JSON number.");
            }
            else if (string.Equals(name, "currency", StringComparison.OrdinalIgnoreCase))
            {
                currency = reader.TokenType == JsonTokenType.String
                    ? CodeJsonConverter.Currency.Create(reader.GetString()!)
                    : throw new JsonException($"{type}.currency must be an ISO 4217 code string such as \"EUR\".");
            }
            else
            {
                reader.Skip();
            }
        }

        return amount is not null && currency is not null
            ? (amount, currency.Value)
            : throw new JsonException($"{type} needs both amount and currency.");
    }

    /// <summary>Writes the object.</summary>
    public static void Write(Utf8JsonWriter writer, string amount, CurrencyCode currency)
    {
        writer.WriteStartObject();
        writer.WriteString("amount", amount);
        writer.WriteString("currency", currency.Code);
        writer.WriteEndObject();
    }
}
