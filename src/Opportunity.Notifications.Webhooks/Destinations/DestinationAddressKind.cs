namespace Opportunity.Notifications.Webhooks;

/// <summary>What kind of address a webhook destination resolved to; only <see cref="Public"/> is allowed by default.</summary>
public enum DestinationAddressKind
{
    /// <summary>Global unicast: an ordinary Internet address.</summary>
    Public = 0,

    /// <summary>0.0.0.0/8 or <c>::</c>.</summary>
    Unspecified = 1,

    /// <summary>127.0.0.0/8 or <c>::1</c>.</summary>
    Loopback = 2,

    /// <summary>10/8, 172.16/12, 192.168/16, or IPv6 unique-local fc00::/7.</summary>
    Private = 3,

    /// <summary>169.254/16 (including cloud metadata at 169.254.169.254) or fe80::/10.</summary>
    LinkLocal = 4,

    /// <summary>100.64/10, carrier-grade NAT shared address space.</summary>
    SharedAddressSpace = 5,

    /// <summary>224/4 or ff00::/8.</summary>
    Multicast = 6,

    /// <summary>255.255.255.255.</summary>
    Broadcast = 7,

    /// <summary>Reserved, documentation, benchmarking and protocol-assignment ranges, and IPv6 outside 2000::/3.</summary>
    Reserved = 8,

    /// <summary>An IPv6 form that embeds an IPv4 address: IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo.</summary>
    Ipv4Embedded = 9,
}
