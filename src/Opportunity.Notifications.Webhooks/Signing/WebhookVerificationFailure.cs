namespace Opportunity.Notifications.Webhooks;

/// <summary>Why a webhook failed verification.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>Verified; no failure.</summary>
    None = 0,

    /// <summary>A required header (<c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c>) is missing or empty.</summary>
    MissingHeader = 1,

    /// <summary><c>webhook-timestamp</c> is not an integer number of seconds.</summary>
    MalformedTimestamp = 2,

    /// <summary>The timestamp is older than the tolerance allows (a replay, or a clock far behind).</summary>
    TimestampTooOld = 3,

    /// <summary>The timestamp is further in the future than the tolerance allows.</summary>
    TimestampTooNew = 4,

    /// <summary>No <c>v1</c> signature in the header matches any of the secrets.</summary>
    NoMatchingSignature = 5,
}
