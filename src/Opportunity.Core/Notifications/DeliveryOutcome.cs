namespace Opportunity.Notifications;

/// <summary>How a delivery attempt ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>Accepted by the receiver (SMTP 250, HTTP 2xx).</summary>
    Delivered = 0,

    /// <summary>May work later (SMTP 4xx, HTTP 408/429/5xx, connection failures, timeouts): retried with back-off.</summary>
    TransientFailure = 1,

    /// <summary>Will not work by retrying (SMTP 5xx, HTTP 4xx, 410, refused destination): moved to the dead-letter store.</summary>
    PermanentFailure = 2,
}
