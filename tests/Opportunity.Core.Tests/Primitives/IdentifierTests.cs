using Opportunity.Partners;

namespace Opportunity.Core.Tests.Primitives;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("tab\t")]
    public void Constructor_InvalidText_ThrowsInvalidTextNamingTheField(string text)
    {
        Assert.Equal("LeadId", Assert.Throws<InvalidTextException>(() => new LeadId(text)).Field);
        Assert.Equal("PartnerId", Assert.Throws<InvalidTextException>(() => new PartnerId(text)).Field);
        Assert.Equal("OpportunityId", Assert.Throws<InvalidTextException>(() => new OpportunityId(text)).Field);
        var tenant = Assert.Throws<InvalidTextException>(() => new TenantId(text));
        Assert.Equal((OpportunityErrorCodes.InvalidText, "TenantId"), (tenant.ErrorCode, tenant.Field));
    }

    [Fact]
    public void Constructor_TooLong_Throws()
    {
        Assert.Equal(TextViolation.TooLong, Assert.Throws<InvalidTextException>(() => new LeadId(new string('x', 101))).Violation);
        Assert.Equal(100, new LeadId(new string('x', 100)).Value.Length);
    }

    [Fact]
    public void Default_Value_ThrowsInsteadOfReturningNull()
    {
        Assert.Throws<InvalidOperationException>(() => default(PartnerId).Value);
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(new PartnerId("p-1"), new PartnerId("p-1"));
        Assert.NotEqual(new PartnerId("p-1"), new PartnerId("p-2"));
        Assert.Equal("p-1", new PartnerId("p-1").ToString());
    }

    [Theory]
    [InlineData("EU")]
    [InlineData("euro")]
    [InlineData("E1R")]
    public void CurrencyCode_Invalid_ThrowsNamingCode(string code)
    {
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => new CurrencyCode(code)).ParamName);
    }

    [Fact]
    public void CurrencyCode_MinorUnits_FollowIso4217()
    {
        Assert.Equal(2, CurrencyCode.EUR.MinorUnitDigits);
        Assert.Equal(0, CurrencyCode.JPY.MinorUnitDigits);
        Assert.Equal(3, new CurrencyCode("BHD").MinorUnitDigits);
        Assert.Equal(CurrencyCode.EUR, CurrencyCode.Parse(" eur "));
    }

    [Theory]
    [InlineData("D")]
    [InlineData("DEU")]
    [InlineData("1E")]
    public void CountryCode_Invalid_ThrowsNamingCode(string code)
    {
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => new CountryCode(code)).ParamName);
    }
}
