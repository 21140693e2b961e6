using System.Net;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Thrown at connect time when every address a webhook host resolved to is refused by the SSRF
/// guard (loopback, private, link-local, metadata, CGNAT, IPv4-embedding IPv6 …) and none is
/// allow-listed. The delivery fails permanently.
/// </summary>
public sealed class WebhookDestinationRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WebhookDestinationRefusedException(string host, IReadOnlyList<(IPAddress Address, DestinationAddressKind Kind)> refused)
        : base(Describe(host, refused))
    {
        Host = host;
        Refused = refused;
    }

    /// <summary>The host name or literal the request was for.</summary>
    public string Host { get; }

    /// <summary>Each resolved address and why it was refused.</summary>
    public IReadOnlyList<(IPAddress Address, DestinationAddressKind Kind)> Refused { get; }

    private static string Describe(string host, IReadOnlyList<(IPAddress Address, DestinationAddressKind Kind)> refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return $"Webhook destination '{host}' refused by the SSRF guard: {string.Join(", ", refused.Select(r => $"{r.Address} is {r.Kind}"))}. "
            + "Add the address to WebhookNotificationOptions.AllowedNetworks if this host is meant to be reached.";
    }
}
