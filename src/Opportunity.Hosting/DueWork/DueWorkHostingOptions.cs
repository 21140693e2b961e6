using NodaTime;

namespace Opportunity.Hosting;

/// <summary>Settings of <see cref="DueWorkHostedService"/>.</summary>
public sealed class DueWorkHostingOptions
{
    /// <summary>The shortest allowed <see cref="Interval"/>: one second.</summary>
    public static readonly Duration MinInterval = Duration.FromSeconds(1);

    /// <summary>The longest allowed <see cref="Interval"/>: one day.</summary>
    public static readonly Duration MaxInterval = Duration.FromDays(1);

    /// <summary>
    /// The pause between the end of one run and the start of the next. Default 1 minute; between
    /// <see cref="MinInterval"/> and <see cref="MaxInterval"/>. An escalation step fires on the first run at or after
    /// its due instant, so it may fire up to one interval (plus the run's length) late, never early.
    /// </summary>
    public Duration Interval { get; set; } = Duration.FromMinutes(1);

    /// <summary>Whether the first run starts as soon as the host starts (default) or after one interval.</summary>
    public bool RunOnStart { get; set; } = true;
}
