using System.Globalization;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Import;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Primitives;

/// <summary>Issue 11 #13: only ISO 4217 codes (and codes added on purpose) are currencies.</summary>
public sealed class CurrencyRegistryTests
{
    // ISO 4217 List One, active codes with a minor unit, grouped by minor-unit digits (checked
    // against the published list; kept here independently of the library's table).
    private const string IsoZero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    private const string IsoThree = "BHD IQD JOD KWD LYD OMR TND";
    private const string IsoFour = "CLF UYW";
    private const string IsoTwo =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC " +
        "CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD " +
        "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN " +
        "QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS " +
        "VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL";

    public static TheoryData<string, int> IsoCodes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (codes, digits) in new[] { (IsoZero, 0), (IsoTwo, 2), (IsoThree, 3), (IsoFour, 4) })
        {
            foreach (var code in codes.Split(' '))
            {
                data.Add(code, digits);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IsoCodes))]
    public void Constructor_EveryIsoCode_AcceptedWithItsMinorUnits(string code, int digits)
    {
        var currency = new CurrencyCode(code);

        Assert.Equal(digits, currency.MinorUnitDigits);
        Assert.Equal(code, CurrencyCode.Parse(code.ToLowerInvariant()).Code);
        Assert.Equal(123_457, Money.FromMinorUnits(123_457, currency).MinorUnits);
    }

    [Fact]
    public void IsoCodes_AreExactlyTheIsoList()
    {
        Assert.Equal(IsoCodes().Select(row => (string)row[0]).Order(StringComparer.Ordinal), CurrencyRegistry.IsoCodes);
    }

    [Fact]
    public void IsoCodes_CoverEveryCurrencyTheCulturesKnow()
    {
        // An independent source: the ISO currency of every region .NET (ICU) knows must be accepted.
        var regions = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c => { try { return new RegionInfo(c.Name).ISOCurrencySymbol; } catch (ArgumentException) { return null; } })
            .OfType<string>().Where(s => s.Length == 3 && s.All(char.IsAsciiLetterUpper)).Distinct().ToList();
        Assert.True(regions.Count > 100, $"ICU culture data gave only {regions.Count} currencies");

        Assert.Equal([], regions.Where(code => !CurrencyRegistry.IsKnown(code)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("EUE")]
    [InlineData("USS")]
    [InlineData("DEM")]
    [InlineData("XTS")]
    public void Constructor_UnknownCode_ThrowsUnknownCurrencyNamingCode(string code)
    {
        var ex = Assert.Throws<UnknownCurrencyException>(() => new CurrencyCode(code));

        Assert.Equal((code, "currency", OpportunityErrorCodes.UnknownCurrency), (ex.Code, ex.Field, ex.ErrorCode));
        Assert.Contains(code, ex.Message, StringComparison.Ordinal);
        Assert.Throws<UnknownCurrencyException>(() => CurrencyCode.Parse(code.ToLowerInvariant()));
    }

    [Fact]
    public void Register_NewCode_IsAcceptedWithItsDigits()
    {
        Assert.Throws<UnknownCurrencyException>(() => new CurrencyCode("QQA"));

        var added = CurrencyRegistry.Register("QQA", 3);

        Assert.Equal((3, added), (new CurrencyCode("QQA").MinorUnitDigits, new CurrencyCode("QQA")));
        Assert.Equal("1.234 QQA", new Money(1.234m, added).ToString());
        Assert.Contains("QQA", CurrencyRegistry.RegisteredCodes);
        Assert.Equal(added, CurrencyRegistry.Register("QQA", 3)); // idempotent
    }

    [Fact]
    public void Register_KnownCodeWithOtherDigits_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => CurrencyRegistry.Register("EUR", 3));
        CurrencyRegistry.Register("QQB", 0);
        Assert.Throws<InvalidOperationException>(() => CurrencyRegistry.Register("QQB", 2));
        Assert.Equal(2, CurrencyRegistry.Register("EUR", 2).MinorUnitDigits);
    }

    [Theory]
    [InlineData("qqc", 2)]
    [InlineData("QQ", 2)]
    [InlineData("Q1C", 2)]
    public void Register_MalformedCode_Throws(string code, int digits)
    {
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => CurrencyRegistry.Register(code, digits)).ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void Register_DigitsOutOfRange_Throws(int digits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CurrencyRegistry.Register("QQD", digits));
        Assert.False(CurrencyRegistry.IsKnown("QQD"));
    }

    [Fact]
    public void CsvParse_UnknownCurrency_ErrorNamesLineAndColumn()
    {
        var result = OpportunityCsvImporter.Parse(
            new StringReader("id,partner,stage,amount,currency\no-1,P1,Proposal,10,EUR\no-2,P1,Proposal,10,XYZ\n"),
            new OpportunityCsvOptions(new TenantId("acme")),
            new FakeClock(Instant.FromUtc(2025, 1, 15, 9, 0)));

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 3, column currency", error.Location);
        Assert.Contains("XYZ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDocument_StoredUnknownCurrency_ThrowsStoreDataExceptionNamingCurrency()
    {
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 15, 9, 0));
        var opportunity = SalesOpportunity.Open(new TenantId("acme"), new OpportunityId("o-1"), new SalesOpportunityDraft(new PartnerId("P1"), new Money(10m, CurrencyCode.EUR), new LocalDate(2025, 3, 1)), PipelineDefinition.Default, "test", clock);
        var json = SnapshotJson.Serialize(opportunity.ToSnapshot()).Replace("\"EUR\"", "\"XYZ\"", StringComparison.Ordinal);
        Assert.Contains("XYZ", json, StringComparison.Ordinal);

        var ex = Assert.Throws<StoreDataException>(() => StoredValues.ReadDocument("SalesOpportunity", "o-1", json, SnapshotJson.DeserializeOpportunity));

        Assert.Equal(("SalesOpportunity", "o-1", "Currency"), (ex.Entity, ex.EntityId, ex.Field));
        Assert.Contains("XYZ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCurrency_UnknownCode_ThrowsStoreDataExceptionNamingCurrency()
    {
        var ex = Assert.Throws<StoreDataException>(() => StoredValues.ReadCurrency("SalesOpportunity", null, "XYZ"));

        Assert.Equal(("SalesOpportunity", "Currency"), (ex.Entity, ex.Field));
        Assert.Equal(CurrencyCode.USD, StoredValues.ReadCurrency("SalesOpportunity", null, "USD"));
    }
}
