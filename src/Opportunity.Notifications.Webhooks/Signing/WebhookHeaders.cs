namespace Opportunity.Notifications.Webhooks;

/// <summary>The header names of the Standard Webhooks specification.</summary>
public static class WebhookHeaders
{
    /// <summary><c>webhook-id</c>: the message id, stable across retries (the idempotency key).</summary>
    public const string Id = "webhook-id";

    /// <summary><c>webhook-timestamp</c>: seconds since the Unix epoch when this attempt was signed.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary><c>webhook-signature</c>: space-separated <c>v1,&lt;base64&gt;</c> signatures, one per active secret.</summary>
    public const string Signature = "webhook-signature";
}
