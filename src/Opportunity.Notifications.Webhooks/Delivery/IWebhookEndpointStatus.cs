namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Which endpoints are disabled (an endpoint answering 410 Gone is disabled automatically). The
/// default keeps this in memory; register your own implementation to keep it across restarts.
/// </summary>
public interface IWebhookEndpointStatus
{
    /// <summary>The disabling record of an endpoint, or null when it is enabled.</summary>
    ValueTask<WebhookEndpointDisabled?> GetDisabledAsync(string endpoint, CancellationToken cancellationToken = default);

    /// <summary>Disables an endpoint.</summary>
    ValueTask DisableAsync(WebhookEndpointDisabled disabled, CancellationToken cancellationToken = default);

    /// <summary>Enables an endpoint again; false when it was not disabled. Re-queue its dead letters afterwards.</summary>
    ValueTask<bool> EnableAsync(string endpoint, CancellationToken cancellationToken = default);
}
