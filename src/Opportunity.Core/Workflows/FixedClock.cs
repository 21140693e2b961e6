using NodaTime;

namespace Opportunity.Workflows;

/// <summary>A clock stopped at one instant: due work is evaluated and stamped at the instant the host passed in.</summary>
internal sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}
