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
        var (amount, currency) = AmountObject.Read(ref reader, nameof(Money));
        if (!decimal.TryParse(amount, AmountStyle, CultureInfo.InvariantCulture, out var value))
        {
            throw new JsonException($"Money.amount '{amount}' is not a decimal number.");
        }

        try
        {
            return new Money(value, currency);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) =>
        AmountObject.Write(writer, value.AmountText, value.Currency);
}
