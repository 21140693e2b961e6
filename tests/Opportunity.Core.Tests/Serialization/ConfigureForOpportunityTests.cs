using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Serialization;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>The shapes ASP.NET Core returns with <c>ConfigureForOpportunity</c> on its web defaults, and their round trips.</summary>
public sealed class ConfigureForOpportunityTests
{
    internal static readonly JsonSerializerOptions Web = new JsonSerializerOptions(JsonSerializerDefaults.Web).ConfigureForOpportunity();
    private static readonly JsonSerializerOptions PlainWeb = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Serialize_Ids_ArePlainStrings()
    {
        Assert.Equal("\"L-1\"", JsonSerializer.Serialize(new LeadId("L-1"), Web));
        Assert.Equal("\"p1\"", JsonSerializer.Serialize(new PartnerId("p1"), Web));
        Assert.Equal("\"O-1\"", JsonSerializer.Serialize(new OpportunityId("O-1"), Web));
        Assert.Equal("\"acme\"", JsonSerializer.Serialize(new TenantId("acme"), Web));
        Assert.Equal("{\"p1\":2}", JsonSerializer.Serialize(new Dictionary<PartnerId, int> { [new("p1")] = 2 }, Web));
    }

    [Fact]
    public void Serialize_Money_IsAmountStringWithMinorUnitDigitsAndCurrency()
    {
        Assert.Equal("{\"amount\":\"123.40\",\"currency\":\"EUR\"}", JsonSerializer.Serialize(new Money(123.4m, CurrencyCode.EUR), Web));
        Assert.Equal("{\"amount\":\"1500\",\"currency\":\"JPY\"}", JsonSerializer.Serialize(new Money(1500m, CurrencyCode.JPY), Web));
        Assert.Equal("{\"amount\":\"-0.005\",\"currency\":\"KWD\"}", JsonSerializer.Serialize(new Money(-0.005m, new CurrencyCode("KWD")), Web));
    }

    [Fact]
    public void Serialize_WeightedValue_IsExactAmountStringWithBasisPointDigits()
    {
        var weighted = WeightedValue.Of(new Money(1234.5m, CurrencyCode.EUR), Probability.FromPercent(35));

        Assert.Equal("{\"amount\":\"432.075000\",\"currency\":\"EUR\"}", JsonSerializer.Serialize(weighted, Web));
        Assert.Equal("{\"amount\":\"-0.0001\",\"currency\":\"JPY\"}", JsonSerializer.Serialize(new WeightedValue(CurrencyCode.JPY, -1), Web));
        Assert.Equal(weighted, JsonSerializer.Deserialize<WeightedValue>("{\"currency\":\"EUR\",\"amount\":\"432.075\"}", Web));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<WeightedValue>("{\"amount\":\"1.0000001\",\"currency\":\"EUR\"}", Web));
    }

    [Fact]
    public void Serialize_ProbabilityEnumsCountryAndNodaTime_UseTheirPlainForms()
    {
        Assert.Equal("0.25", JsonSerializer.Serialize(Probability.FromPercent(25), Web));
        Assert.Equal("1", JsonSerializer.Serialize(Probability.One, Web));
        Assert.Equal("0.0001", JsonSerializer.Serialize(Probability.FromBasisPoints(1), Web));
        Assert.Equal("\"Commit\"", JsonSerializer.Serialize(ForecastCategory.Commit, Web));
        Assert.Equal("\"DE\"", JsonSerializer.Serialize(new CountryCode("de"), Web));
        Assert.Equal("\"EUR\"", JsonSerializer.Serialize(CurrencyCode.EUR, Web));
        Assert.Equal("\"2026-03-01T09:30:00.123Z\"", JsonSerializer.Serialize(Instant.FromUtc(2026, 3, 1, 9, 30) + Duration.FromMilliseconds(123), Web));
        Assert.Equal("\"2026-06-30\"", JsonSerializer.Serialize(new LocalDate(2026, 6, 30), Web));
        Assert.Equal("\"Europe/Berlin\"", JsonSerializer.Serialize(DateTimeZoneProviders.Tzdb["Europe/Berlin"], Web));
    }

    [Fact]
    public void Serialize_Stage_HasDecimalProbabilityAndNoCycle()
    {
        var json = JsonSerializer.Serialize(PipelineDefinition.Default.Stages[2], Web);

        using var document = JsonDocument.Parse(json);
        Assert.Equal(0.5m, document.RootElement.GetProperty("defaultProbability").GetDecimal());
        Assert.Equal("Commit", PipelineDefinition.Default.Stages[3].ForecastCategory.ToString());
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("forecastCategory").ValueKind);
    }

    [Fact]
    public void Serialize_ProbabilityUnderPlainDefaults_NoLongerCycles()
    {
        // The root of the 500: Complement was a property of Probability's own type. It is a method now,
        // so even options without ConfigureForOpportunity serialize a probability.
        var json = JsonSerializer.Serialize(Probability.FromPercent(30), PlainWeb);

        Assert.Equal("{\"basisPoints\":3000,\"value\":0.3}", json);
    }

    [Fact]
    public void RoundTrip_SalesOpportunityValues_ReadBackEqual()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 5, 8, 0));
        var deal = SalesOpportunity.Open(new TenantId("acme"), new OpportunityId("O-7"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(2500.5m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(deal, Web));
        var root = document.RootElement;

        Assert.Equal(deal.Id, root.GetProperty("id").Deserialize<OpportunityId>(Web));
        Assert.Equal(deal.Partner, root.GetProperty("partner").Deserialize<PartnerId>(Web));
        Assert.Equal(deal.Amount, root.GetProperty("amount").Deserialize<Money>(Web));
        Assert.Equal("2500.50", root.GetProperty("amount").GetProperty("amount").GetString());
        Assert.Equal(deal.Probability, root.GetProperty("probability").Deserialize<Probability>(Web));
        Assert.Equal(deal.CreatedAt, root.GetProperty("createdAt").Deserialize<Instant>(Web));
        Assert.Equal(deal.ExpectedClose, root.GetProperty("expectedClose").Deserialize<LocalDate>(Web));
        Assert.Equal(deal.ForecastCategory, root.GetProperty("forecastCategory").Deserialize<ForecastCategory>(Web));
    }

    [Theory]
    [InlineData("{\"amount\":123.45,\"currency\":\"EUR\"}", "not a JSON number")]
    [InlineData("{\"amount\":\"1.234\",\"currency\":\"EUR\"}", "more decimal places")]
    [InlineData("{\"amount\":\"12\"}", "both amount and currency")]
    [InlineData("{\"amount\":\"12\",\"currency\":\"XYZ\"}", "XYZ")]
    [InlineData("{\"amount\":\"1e3\",\"currency\":\"EUR\"}", "not a decimal number")]
    [InlineData("\"12 EUR\"", "must be an object")]
    public void Deserialize_BadMoney_ThrowsJsonExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Money>(json, Web));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5", "between 0 and 1")]
    [InlineData("0.12345", "four decimal places")]
    [InlineData("\"0.5\"", "decimal number from 0 to 1")]
    public void Deserialize_BadProbability_ThrowsJsonExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Probability>(json, Web));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_BadId_ThrowsJsonExceptionNamingTheTypeAndPath()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, LeadId>>("{\"lead\":\"a b\"}", Web));

        Assert.Contains("LeadId", ex.Message, StringComparison.Ordinal);
        Assert.Equal("$.lead", ex.Path);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LeadId>("42", Web));
    }

    [Fact]
    public void ConfigureForOpportunity_StoredDocuments_KeepTheirOwnFormat()
    {
        // The stores' options are separate: a stored probability stays in basis points.
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 5, 8, 0));
        var deal = SalesOpportunity.Open(new TenantId("acme"), new OpportunityId("O-7"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(10m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)) { ProbabilityOverride = Probability.FromPercent(35) },
            PipelineDefinition.Default, "u", clock);

        using var document = JsonDocument.Parse(SnapshotJson.Serialize(deal.ToSnapshot()));

        Assert.Equal(3500, document.RootElement.GetProperty("probabilityOverride").GetInt32());
        Assert.Equal("10", document.RootElement.GetProperty("amount").GetProperty("amount").GetString());
    }

    [Fact]
    public void ConfigureForOpportunity_ReadOnlyOptions_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => JsonSerializerOptions.Web.ConfigureForOpportunity());
        Assert.Throws<ArgumentNullException>(() => OpportunityJsonSerializerOptionsExtensions.ConfigureForOpportunity(null!));
    }
}
