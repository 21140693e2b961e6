using Opportunity.Partners;

namespace Opportunity.Core.Tests.Partners;

public sealed class PartnerTests
{
    private static readonly TenantId Tenant = new("acme");

    [Fact]
    public void Constructor_EmptyName_ThrowsNamingName()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Partner(Tenant, new PartnerId("p1"), " ", PartnerTier.Gold));
        Assert.Equal("Name", ex.ParamName);
    }

    [Fact]
    public void Capacity_Negative_ThrowsNamingCapacity()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Partner(Tenant, new PartnerId("p1"), "Dealer", PartnerTier.Gold) { Capacity = -1 });
        Assert.Equal("Capacity", ex.ParamName);
    }

    [Fact]
    public void Tiers_AreOrderedByLevel()
    {
        Assert.True(PartnerTier.Gold.CompareTo(PartnerTier.Silver) > 0);
        Assert.Equal(PartnerTier.Platinum, new[] { PartnerTier.Silver, PartnerTier.Platinum, PartnerTier.Registered }.Max());
    }

    [Fact]
    public void Territory_WithPrefixes_CoversOnlyMatchingPostalCodes()
    {
        var munich = new Territory(new CountryCode("DE"), ["80", "81"]);
        Assert.True(munich.Covers(new CountryCode("DE"), "80331"));
        Assert.False(munich.Covers(new CountryCode("DE"), "10115"));
        Assert.False(munich.Covers(new CountryCode("AT"), "8010"));
        Assert.False(munich.Covers(new CountryCode("DE"), null));
        Assert.True(new Territory(new CountryCode("DE")).Covers(new CountryCode("de"), null));
    }

    [Fact]
    public void Territory_NormalisesPostalCodes()
    {
        var london = new Territory(new CountryCode("GB"), ["sw1a"]);
        Assert.True(london.Covers(new CountryCode("GB"), "SW1A 1AA"));
    }

    [Fact]
    public void GeoPoint_Distance_BerlinToMunichIsAbout504Km()
    {
        var berlin = new GeoPoint(52.5200, 13.4050);
        var munich = new GeoPoint(48.1351, 11.5820);
        Assert.InRange(berlin.DistanceKmTo(munich), 500, 508);
        Assert.Equal(0, berlin.DistanceKmTo(berlin), 9);
    }

    [Theory]
    [InlineData(double.NaN, 0, "latitude")]
    [InlineData(91, 0, "latitude")]
    [InlineData(0, -181, "longitude")]
    [InlineData(0, double.NaN, "longitude")]
    public void GeoPoint_Invalid_ThrowsNamingCoordinate(double lat, double lon, string param)
    {
        Assert.Equal(param, Assert.Throws<ArgumentOutOfRangeException>(() => new GeoPoint(lat, lon)).ParamName);
    }
}
