using System.Net;

namespace Opportunity.Notifications.Webhooks;

/// <summary>The default resolver: the operating system's DNS.</summary>
internal sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
