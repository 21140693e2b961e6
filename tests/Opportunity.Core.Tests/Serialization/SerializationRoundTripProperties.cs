using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Opportunity.Forecasting;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>Every Money and every Probability reads back equal under web defaults plus <c>ConfigureForOpportunity</c>.</summary>
public sealed class SerializationRoundTripProperties
{
    private static readonly CurrencyCode[] Currencies = [CurrencyCode.EUR, CurrencyCode.JPY, new("KWD"), CurrencyCode.USD];

    [Property(MaxTest = 500)]
    public Property Money_AnyDealAmount_RoundTripsExactly(long minorUnits, byte currency)
    {
        var money = Money.FromMinorUnits(minorUnits % (Money.MaxDealMinorUnits + 1), Currencies[currency % Currencies.Length]);

        var json = JsonSerializer.Serialize(money, ConfigureForOpportunityTests.Web);
        var back = JsonSerializer.Deserialize<Money>(json, ConfigureForOpportunityTests.Web);

        using var document = JsonDocument.Parse(json);
        var amount = document.RootElement.GetProperty("amount").GetString()!;
        var digits = amount.Contains('.', StringComparison.Ordinal) ? amount.Length - amount.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        return (back == money && back.MinorUnits == money.MinorUnits && digits == money.Currency.MinorUnitDigits).Label(json);
    }

    [Property(MaxTest = 500)]
    public Property WeightedValue_AnyScaledValue_RoundTripsExactly(long high, ulong low, byte currency)
    {
        // Far beyond any real sum and beyond decimal's range: the text is written from the integer itself.
        var weighted = new WeightedValue(Currencies[currency % Currencies.Length], new Int128((ulong)(high >> 1), low));

        var json = JsonSerializer.Serialize(weighted, ConfigureForOpportunityTests.Web);

        return (JsonSerializer.Deserialize<WeightedValue>(json, ConfigureForOpportunityTests.Web) == weighted).Label(json);
    }

    [Property(MaxTest = 500)]
    public Property Probability_AnyBasisPoints_RoundTripsAsDecimalInUnitInterval(ushort raw)
    {
        var probability = Probability.FromBasisPoints(raw % (Probability.Scale + 1));

        var json = JsonSerializer.Serialize(probability, ConfigureForOpportunityTests.Web);
        var number = decimal.Parse(json, System.Globalization.CultureInfo.InvariantCulture);

        return (JsonSerializer.Deserialize<Probability>(json, ConfigureForOpportunityTests.Web) == probability
            && number == probability.Value && number is >= 0m and <= 1m).Label(json);
    }
}
