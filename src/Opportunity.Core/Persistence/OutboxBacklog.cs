using NodaTime;

namespace Opportunity.Persistence;

/// <summary>What waits in the outbox: messages neither delivered nor dead, and when the oldest of them was written.</summary>
/// <param name="Pending">How many messages are pending (domain events and notifications).</param>
/// <param name="OldestCreatedAt">When the oldest pending message was written; null when none is pending.</param>
public sealed record OutboxBacklog(long Pending, Instant? OldestCreatedAt)
{
    /// <summary>An empty outbox.</summary>
    public static OutboxBacklog Empty { get; } = new(0, null);

    /// <summary>How long the oldest pending message has waited at <paramref name="now"/>; zero when none is pending.</summary>
    public Duration OldestAge(Instant now) => OldestCreatedAt is { } at && at < now ? now - at : Duration.Zero;
}
