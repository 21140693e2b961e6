using NodaTime;

namespace Opportunity.Routing.Replay;

/// <summary>How <see cref="RoutingReplay"/> simulates load while it routes historical leads.</summary>
public sealed record ReplayOptions
{
    private readonly Duration? _leadsStayOpenFor;

    /// <summary>Default options: empty starting load, assignments add load, leads stay open for 14 days, decisions kept.</summary>
    public static ReplayOptions Default { get; } = new();

    /// <summary>The load before the first lead (e.g. today's open leads); empty when null.</summary>
    public IPartnerLoad? InitialLoad { get; init; }

    /// <summary>
    /// How long a replayed lead keeps its partner busy: after this (measured on the leads'
    /// <see cref="RoutingRequest.Now"/>), it no longer counts toward capacity. Null: forever.
    /// Default 14 days.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public Duration? LeadsStayOpenFor
    {
        get => _leadsStayOpenFor;
        init => _leadsStayOpenFor = value <= Duration.Zero ? throw new ArgumentOutOfRangeException(nameof(LeadsStayOpenFor), value, "Must be positive.") : value;
    }

    /// <summary>Keep every decision (with its trace) in the report. Default true; turn off for very long replays.</summary>
    public bool KeepDecisions { get; init; } = true;

    /// <summary>Partner performance for performance-based scoring.</summary>
    public PartnerPerformanceTable? Performance { get; init; }

    /// <summary>Creates the default options (leads stay open 14 days).</summary>
    public ReplayOptions()
    {
        _leadsStayOpenFor = Duration.FromDays(14);
    }
}
