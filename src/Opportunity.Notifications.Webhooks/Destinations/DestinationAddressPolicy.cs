using System.Net;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Classifies IP addresses for the SSRF guard: anything but global unicast is refused unless
/// allow-listed. IPv6 forms that embed an IPv4 address are refused as such, so
/// <c>::ffff:127.0.0.1</c>, <c>64:ff9b::a9fe:a9fe</c> or <c>2002:7f00:1::</c> cannot smuggle a
/// loopback or metadata address past the check.
/// </summary>
public static class DestinationAddressPolicy
{
    private static readonly (IPNetwork Network, DestinationAddressKind Kind)[] Ranges =
    [
        // IPv4, most specific first.
        (IPNetwork.Parse("255.255.255.255/32"), DestinationAddressKind.Broadcast),
        (IPNetwork.Parse("0.0.0.0/8"), DestinationAddressKind.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), DestinationAddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), DestinationAddressKind.SharedAddressSpace),
        (IPNetwork.Parse("127.0.0.0/8"), DestinationAddressKind.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), DestinationAddressKind.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), DestinationAddressKind.Private),
        (IPNetwork.Parse("192.0.0.0/24"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), DestinationAddressKind.Private),
        (IPNetwork.Parse("198.18.0.0/15"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), DestinationAddressKind.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), DestinationAddressKind.Reserved),

        // IPv6: unspecified and loopback before the ::/96 they sit in.
        (IPNetwork.Parse("::/128"), DestinationAddressKind.Unspecified),
        (IPNetwork.Parse("::1/128"), DestinationAddressKind.Loopback),
        (IPNetwork.Parse("::ffff:0:0/96"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("::ffff:0:0:0/96"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("::/96"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("64:ff9b::/96"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("64:ff9b:1::/48"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("2001::/32"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("2002::/16"), DestinationAddressKind.Ipv4Embedded),
        (IPNetwork.Parse("100::/64"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("2001:10::/28"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("2001:20::/28"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("fc00::/7"), DestinationAddressKind.Private),
        (IPNetwork.Parse("fe80::/10"), DestinationAddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), DestinationAddressKind.Reserved),
        (IPNetwork.Parse("ff00::/8"), DestinationAddressKind.Multicast),
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    /// <summary>What kind of address <paramref name="address"/> is.</summary>
    public static DestinationAddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var (network, kind) in Ranges)
        {
            if (Contains(network, address))
            {
                return kind;
            }
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !Contains(GlobalUnicastV6, address)
            ? DestinationAddressKind.Reserved
            : DestinationAddressKind.Public;
    }

    /// <summary>
    /// True when <paramref name="address"/> lies in <paramref name="network"/>, compared bit by bit.
    /// (<see cref="IPNetwork.Contains"/> answers false for every IPv4-mapped IPv6 address, even
    /// inside ::ffff:0:0/96, which is exactly the case a guard must catch.)
    /// </summary>
    public static bool Contains(IPNetwork network, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (network.BaseAddress.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        Span<byte> prefix = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        network.BaseAddress.TryWriteBytes(prefix, out _);
        var bits = network.PrefixLength;
        for (var i = 0; i < length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((bytes[i] & mask) != (prefix[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads an allow-list entry: an address (<c>127.0.0.1</c>, <c>::1</c>) or a CIDR range (<c>10.20.0.0/16</c>).</summary>
    /// <exception cref="FormatException">Neither.</exception>
    public static IPNetwork ParseNetwork(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = entry.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(text, out var network)
            ? network
            : throw new FormatException($"'{entry}' is neither an IP address nor a CIDR range such as 10.20.0.0/16.");
    }
}
