using NodaTime;

namespace Opportunity.Notifications.Webhooks;

/// <summary>Settings of the webhook channel. Every member has a documented default.</summary>
public sealed class WebhookNotificationOptions
{
    /// <summary>The channel's name and outbox topic. Default <c>webhook</c>.</summary>
    public string ChannelName { get; set; } = "webhook";

    /// <summary>The receivers. Default none.</summary>
    public IList<WebhookEndpoint> Endpoints { get; } = [];

    /// <summary>How long one attempt may take, connect to response headers. Default 15 seconds; more than 0 and at most 5 minutes.</summary>
    public Duration Timeout { get; set; } = Duration.FromSeconds(15);

    /// <summary>
    /// The SSRF guard: refuse destinations that resolve to loopback, private, link-local,
    /// CGNAT, multicast, reserved or IPv4-embedding IPv6 addresses. Default true; turn off only
    /// when every endpoint is trusted, and prefer <see cref="AllowedNetworks"/>.
    /// </summary>
    public bool BlockPrivateNetworks { get; set; } = true;

    /// <summary>
    /// Addresses or CIDR ranges allowed despite the guard, e.g. <c>127.0.0.1</c> for tests or
    /// <c>10.20.0.0/16</c> for an intranet CRM. Checked against the resolved address. Default empty.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>The User-Agent header. Default <c>Opportunity.Notifications.Webhooks</c>.</summary>
    public string UserAgent { get; set; } = "Opportunity.Notifications.Webhooks";

    /// <summary>Adds an endpoint and returns it for further settings.</summary>
    public WebhookEndpoint AddEndpoint(string name, Uri url, params string[] secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var endpoint = new WebhookEndpoint { Name = name, Url = url };
        foreach (var secret in secrets)
        {
            endpoint.Secrets.Add(secret);
        }

        Endpoints.Add(endpoint);
        return endpoint;
    }
}
