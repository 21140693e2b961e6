using System.Collections.Concurrent;

namespace Opportunity.Notifications.Webhooks;

/// <summary>The default <see cref="IWebhookEndpointStatus"/>: process memory, forgotten on restart.</summary>
public sealed class InMemoryWebhookEndpointStatus : IWebhookEndpointStatus
{
    private readonly ConcurrentDictionary<string, WebhookEndpointDisabled> _disabled = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every disabled endpoint.</summary>
    public IReadOnlyCollection<WebhookEndpointDisabled> Disabled => [.. _disabled.Values];

    /// <inheritdoc />
    public ValueTask<WebhookEndpointDisabled?> GetDisabledAsync(string endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_disabled.GetValueOrDefault(endpoint));

    /// <inheritdoc />
    public ValueTask DisableAsync(WebhookEndpointDisabled disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disabled);
        _disabled.TryAdd(disabled.Endpoint, disabled);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> EnableAsync(string endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_disabled.TryRemove(endpoint, out _));
}
