using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Waits between two passes of a background loop (<see cref="DueWorkHostedService"/>,
/// <see cref="NotificationDispatchHostedService"/>). The default waits real time; replace it
/// (register yours before <c>AddBackgroundProcessing</c>) to drive the loops from a test, or to
/// add jitter when many hosts start at once.
/// </summary>
public interface IBackgroundDelay
{
    /// <summary>
    /// Completes after <paramref name="delay"/>, or is cancelled with
    /// <paramref name="cancellationToken"/> when the host stops.
    /// </summary>
    /// <param name="loop">Which loop waits: <see cref="DueWorkHostedService.LoopName"/> or <see cref="NotificationDispatchHostedService.LoopName"/>.</param>
    /// <param name="delay">How long: the loop's interval, or longer while it backs off.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    Task DelayAsync(string loop, Duration delay, CancellationToken cancellationToken);
}
