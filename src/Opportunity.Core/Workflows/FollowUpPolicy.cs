using NodaTime;

namespace Opportunity.Workflows;

/// <summary>
/// Automatic follow-up of accepted leads and open opportunities: after <see cref="Inactivity"/>
/// without activity the partner is asked for a status update, then again every
/// <see cref="Repeat"/>, until activity resumes (which restarts the clock) or the deal closes.
/// Requests fall on a fixed grid (last activity + inactivity + k × repeat), so a host that was
/// down sends one request for the missed period, not a burst.
/// </summary>
public sealed record FollowUpPolicy
{
    private readonly Duration _inactivity = Duration.FromDays(14);
    private readonly Duration _repeat = Duration.FromDays(7);

    /// <summary>The default: first request after 14 days without activity, then weekly.</summary>
    public static FollowUpPolicy Default { get; } = new();

    /// <summary>Follow-ups on or off. Default on.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time without activity before the first request. Default 14 days; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration Inactivity { get => _inactivity; init => _inactivity = Positive(value, nameof(Inactivity)); }

    /// <summary>Time between requests while nothing happens. Default 7 days; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration Repeat { get => _repeat; init => _repeat = Positive(value, nameof(Repeat)); }

    /// <summary>When the first request is due after activity at <paramref name="lastActivity"/>; null when disabled.</summary>
    public Instant? FirstDue(Instant lastActivity) => Enabled ? lastActivity + Inactivity : null;

    /// <summary>
    /// At <paramref name="now"/>: the request number due (0 when none is due yet) and when the
    /// next request is due (null when disabled).
    /// </summary>
    public (int Request, Instant? NextDue) Evaluate(Instant lastActivity, Instant now)
    {
        if (!Enabled)
        {
            return (0, null);
        }

        var first = lastActivity + Inactivity;
        if (now < first)
        {
            return (0, first);
        }

        var periods = (long)Math.Floor((now - first).TotalTicks / Repeat.TotalTicks);
        return ((int)Math.Min(int.MaxValue, periods + 1), first + (Repeat * (periods + 1)));
    }

    private static Duration Positive(Duration value, string name) =>
        value <= Duration.Zero ? throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.") : value;
}
