using NodaTime;

namespace Opportunity.Notifications;

/// <summary>The result of one delivery attempt, returned by <see cref="INotificationChannel.DeliverAsync"/>.</summary>
public sealed record DeliveryResult
{
    private DeliveryResult(DeliveryOutcome outcome, string? error, Duration? retryAfter)
    {
        Outcome = outcome;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>How it ended.</summary>
    public DeliveryOutcome Outcome { get; }

    /// <summary>What went wrong (status code and message); null when delivered.</summary>
    public string? Error { get; }

    /// <summary>The earliest retry the receiver asked for (HTTP <c>Retry-After</c>); null when it did not say.</summary>
    public Duration? RetryAfter { get; }

    /// <summary>The receiver accepted the notification.</summary>
    public static DeliveryResult Delivered { get; } = new(DeliveryOutcome.Delivered, null, null);

    /// <summary>A failure worth retrying.</summary>
    /// <param name="error">What went wrong; not empty.</param>
    /// <param name="retryAfter">The receiver's requested wait; not negative.</param>
    /// <exception cref="ArgumentException">Empty error.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Negative wait.</exception>
    public static DeliveryResult Transient(string error, Duration? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        if (retryAfter < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After must not be negative.");
        }

        return new DeliveryResult(DeliveryOutcome.TransientFailure, error, retryAfter);
    }

    /// <summary>A failure that retrying will not fix; the notification goes to the dead-letter store.</summary>
    /// <param name="error">What went wrong; not empty.</param>
    /// <exception cref="ArgumentException">Empty error.</exception>
    public static DeliveryResult Permanent(string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new DeliveryResult(DeliveryOutcome.PermanentFailure, error, null);
    }
}
