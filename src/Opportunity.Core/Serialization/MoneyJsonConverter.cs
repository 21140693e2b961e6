using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Opportunity.Serialization;

/// <summary>
/// Money as <c>{"amount":"123.45","currency":"EUR"}</c>: the amount a decimal string with exactly
/// the currency's minor-unit digits (never a JSON number, which clients read as a binary float).
/// Reading refuses a number, extra digits and a missing member, naming what is wrong.
/// </summary>
internal sealed class MoneyJsonConverter : JsonConverter<Money>
{
    private const NumberStyles AmountStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Money must be an object {\"amount\":\"123.45\",\"currency\":\"EUR\"}.");
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
                    : throw new JsonException("Money.amount must be a decimal string such as \"123.45\", not a JSON number.");
            }
            else if (string.Equals(name, "currency", StringComparison.OrdinalIgnoreCase))
            {
                currency = reader.TokenType == JsonTokenType.String
                    ? CurrencyCodeJsonConverter.Create(reader.GetString()!)
                    : throw new JsonException("Money.currency must be an ISO 4217 code string such as \"EUR\".");
            }
            else
            {
                reader.Skip();
            }
        }

        if (amount is null || currency is null)
        {
            throw new JsonException("Money needs both amount and currency.");
        }

        if (!decimal.TryParse(amount, AmountStyle, CultureInfo.InvariantCulture, out var value))
        {
            throw new JsonException($"Money.amount '{amount}' is not a decimal number.");
        }

        try
        {
            return new Money(value, currency.Value);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("amount", value.AmountText);
        writer.WriteString("currency", value.Currency.Code);
        writer.WriteEndObject();
    }
}
