using Opportunity.Notifications;

namespace Opportunity.Notifications.Webhooks;

/// <summary>A receiver of webhooks: where, with which secrets, for which events and tenant.</summary>
public sealed class WebhookEndpoint
{
    /// <summary>A stable name, e.g. <c>crm</c>; part of every notification id, so keep it when the URL changes. Required, unique.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The absolute http or https URL to POST to. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// Signing secrets (<c>whsec_…</c>); every one signs each message, so during a key rotation
    /// list the new and the old secret until the receiver has switched. At least one.
    /// </summary>
    public IList<string> Secrets { get; } = [];

    /// <summary>
    /// Event types to send, e.g. <c>EventTypes.Add&lt;LeadAssigned&gt;()</c> or by name,
    /// <c>EventTypes.Add("LeadAssigned")</c>; empty (the default) sends every event.
    /// </summary>
    public EventTypeSet EventTypes { get; } = [];

    /// <summary>Only events of this tenant; null (the default) for every tenant.</summary>
    public string? Tenant { get; set; }
}
