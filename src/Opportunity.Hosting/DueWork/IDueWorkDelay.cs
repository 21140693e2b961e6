using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Waits between two runs of <see cref="DueWorkHostedService"/>. The default waits real time;
/// replace it (register yours before <c>AddDueWorkHostedService</c>) to drive the service from a
/// test, or to add jitter when many hosts start at once.
/// </summary>
public interface IDueWorkDelay
{
    /// <summary>Completes after <paramref name="delay"/>, or is cancelled with <paramref name="cancellationToken"/> when the host stops.</summary>
    Task DelayAsync(Duration delay, CancellationToken cancellationToken);
}
