using NodaTime;

namespace Opportunity.Persistence;

/// <summary>An outbox message that failed permanently. Dead letters are kept until re-queued or deleted on purpose.</summary>
/// <param name="Message">The message as it was when it failed.</param>
/// <param name="Reason">Why delivery gave up.</param>
/// <param name="DeadLetteredAt">When.</param>
public sealed record DeadLetter(OutboxMessage Message, string Reason, Instant DeadLetteredAt);
