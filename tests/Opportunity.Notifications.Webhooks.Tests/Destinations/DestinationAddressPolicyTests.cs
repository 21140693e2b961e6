using System.Net;

namespace Opportunity.Notifications.Webhooks.Tests.Destinations;

public sealed class DestinationAddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8", DestinationAddressKind.Public)]
    [InlineData("172.32.0.1", DestinationAddressKind.Public)]
    [InlineData("100.128.0.1", DestinationAddressKind.Public)]
    [InlineData("2606:4700:4700::1111", DestinationAddressKind.Public)]
    [InlineData("127.0.0.1", DestinationAddressKind.Loopback)]
    [InlineData("127.255.255.254", DestinationAddressKind.Loopback)]
    [InlineData("::1", DestinationAddressKind.Loopback)]
    [InlineData("10.1.2.3", DestinationAddressKind.Private)]
    [InlineData("172.16.0.1", DestinationAddressKind.Private)]
    [InlineData("172.31.255.255", DestinationAddressKind.Private)]
    [InlineData("192.168.1.1", DestinationAddressKind.Private)]
    [InlineData("fc00::1", DestinationAddressKind.Private)]
    [InlineData("fd12:3456::1", DestinationAddressKind.Private)]
    [InlineData("169.254.169.254", DestinationAddressKind.LinkLocal)]
    [InlineData("fe80::1", DestinationAddressKind.LinkLocal)]
    [InlineData("fe80::1%2", DestinationAddressKind.LinkLocal)]
    [InlineData("100.64.0.1", DestinationAddressKind.SharedAddressSpace)]
    [InlineData("100.127.255.255", DestinationAddressKind.SharedAddressSpace)]
    [InlineData("0.0.0.0", DestinationAddressKind.Unspecified)]
    [InlineData("0.1.2.3", DestinationAddressKind.Unspecified)]
    [InlineData("::", DestinationAddressKind.Unspecified)]
    [InlineData("224.0.0.1", DestinationAddressKind.Multicast)]
    [InlineData("ff02::1", DestinationAddressKind.Multicast)]
    [InlineData("255.255.255.255", DestinationAddressKind.Broadcast)]
    [InlineData("240.0.0.1", DestinationAddressKind.Reserved)]
    [InlineData("192.0.2.10", DestinationAddressKind.Reserved)]
    [InlineData("198.18.0.1", DestinationAddressKind.Reserved)]
    [InlineData("2001:db8::1", DestinationAddressKind.Reserved)]
    [InlineData("4000::1", DestinationAddressKind.Reserved)]
    [InlineData("::ffff:127.0.0.1", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("::ffff:169.254.169.254", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("::ffff:8.8.8.8", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("::127.0.0.1", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("64:ff9b::a9fe:a9fe", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("64:ff9b:1::7f00:1", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("2002:7f00:1::1", DestinationAddressKind.Ipv4Embedded)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", DestinationAddressKind.Ipv4Embedded)]
    public void Classify_Address_ReturnsItsKind(string address, DestinationAddressKind expected)
    {
        Assert.Equal(expected, DestinationAddressPolicy.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1/32")]
    [InlineData(" ::1 ", "::1/128")]
    [InlineData("10.20.0.0/16", "10.20.0.0/16")]
    public void ParseNetwork_AddressOrCidr_Parses(string entry, string expected)
    {
        Assert.Equal(IPNetwork.Parse(expected), DestinationAddressPolicy.ParseNetwork(entry));
    }

    [Fact]
    public void ParseNetwork_Nonsense_ThrowsFormatExceptionQuotingIt()
    {
        var ex = Assert.Throws<FormatException>(() => DestinationAddressPolicy.ParseNetwork("intranet"));

        Assert.Contains("'intranet'", ex.Message, StringComparison.Ordinal);
    }
}
