using System.Net;

namespace Opportunity.Notifications.Webhooks;

/// <summary>Resolves webhook host names to addresses at connect time (DNS by default). Replace it to pin or to test the SSRF guard.</summary>
public interface IWebhookHostResolver
{
    /// <summary>The addresses of <paramref name="host"/>, in preference order.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default);
}
