using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Opportunity.Forecasting;

namespace Opportunity.Serialization;

/// <summary>
/// A weighted value in the shape of money, exact: <c>{"amount":"432.075000","currency":"EUR"}</c>, the
/// amount with the currency's minor-unit digits plus four (basis points), written from the 128-bit
/// integer without rounding and without the decimal range.
/// </summary>
internal sealed class WeightedValueJsonConverter : JsonConverter<WeightedValue>
{
    public override WeightedValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var (amount, currency) = AmountObject.Read(ref reader, nameof(WeightedValue));
        var digits = Digits(currency);
        var negative = amount.StartsWith('-');
        var parts = (negative ? amount[1..] : amount).Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && (parts[1].Length == 0 || parts[1].Length > digits))
            || !parts.All(p => p.All(char.IsAsciiDigit)))
        {
            throw new JsonException($"WeightedValue.amount '{amount}' is not a decimal with at most {digits} decimals.");
        }

        var fraction = parts.Length == 2 ? parts[1] : string.Empty;
        if (!Int128.TryParse(parts[0] + fraction.PadRight(digits, '0'), NumberStyles.None, CultureInfo.InvariantCulture, out var scaled))
        {
            throw new JsonException($"WeightedValue.amount '{amount}' is out of range.");
        }

        return new WeightedValue(currency, negative ? -scaled : scaled);
    }

    public override void Write(Utf8JsonWriter writer, WeightedValue value, JsonSerializerOptions options)
    {
        var digits = Digits(value.Currency);
        var magnitude = (value.Scaled < 0 ? -(UInt128)value.Scaled : (UInt128)value.Scaled).ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        var amount = (value.Scaled < 0 ? "-" : string.Empty) + magnitude[..^digits] + "." + magnitude[^digits..];
        AmountObject.Write(writer, amount, value.Currency);
    }

    private static int Digits(CurrencyCode currency) => currency.MinorUnitDigits + 4;
}
