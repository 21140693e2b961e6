using NodaTime;

namespace Opportunity.Hosting;

/// <summary>
/// Settings every background loop shares: how often it runs, how far it backs off while it finds
/// nothing to do (or fails), and whether it runs as soon as the host starts.
/// </summary>
public abstract class BackgroundLoopOptions
{
    /// <summary>The shortest allowed <see cref="Interval"/> and <see cref="MaxIdleInterval"/>: one second.</summary>
    public static readonly Duration MinInterval = Duration.FromSeconds(1);

    /// <summary>The longest allowed <see cref="Interval"/> and <see cref="MaxIdleInterval"/>: one day.</summary>
    public static readonly Duration MaxInterval = Duration.FromDays(1);

    /// <summary>Creates options with the loop's defaults.</summary>
    private protected BackgroundLoopOptions(Duration interval, Duration maxIdleInterval)
    {
        Interval = interval;
        MaxIdleInterval = maxIdleInterval;
    }

    /// <summary>
    /// The pause after a pass that did work, and the first pause after a pass that found nothing;
    /// between <see cref="MinInterval"/> and <see cref="MaxInterval"/>. A pass drains everything
    /// due (batch after batch), so a full batch never waits for the interval.
    /// </summary>
    public Duration Interval { get; set; }

    /// <summary>
    /// The cap of the idle back-off: every further pass that finds nothing (or fails) doubles the
    /// pause, up to this; the first pass that does work resets it to <see cref="Interval"/>. Work
    /// that becomes due while the loop is idle waits at most this long. A cap at or below
    /// <see cref="Interval"/> turns the back-off off. Between <see cref="MinInterval"/> and <see cref="MaxInterval"/>.
    /// </summary>
    public Duration MaxIdleInterval { get; set; }

    /// <summary>Whether the first pass starts as soon as the host starts (default) or after one interval.</summary>
    public bool RunOnStart { get; set; } = true;

    /// <summary>The pause after an idle or failed pass that followed a pause of <paramref name="previous"/>: twice as long, at most the cap.</summary>
    internal Duration NextIdlePause(Duration previous)
    {
        var cap = Duration.Max(Interval, MaxIdleInterval);
        return previous >= cap / 2 ? cap : previous * 2;
    }
}
