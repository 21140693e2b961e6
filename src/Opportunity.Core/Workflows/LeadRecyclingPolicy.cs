using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Workflows;

/// <summary>
/// How leads come back (docs/routing.md#leads-come-back): how often one lead may be recycled, how
/// long a recycled lead rests in nurture, and how often the manufacturer's queue of unroutable leads
/// is routed again. Periods are working time in the fallback calendar (the manufacturer's; the lead
/// belongs to no partner then).
/// </summary>
public sealed record LeadRecyclingPolicy
{
    private readonly int _maxRecycles = 2;
    private readonly Duration _cooldown = Duration.FromHours(80);
    private readonly Duration _queueRetry = Duration.FromHours(40);

    /// <summary>The default: at most 2 recycles per lead, 10 working days (80 h) in nurture, the queue retried every 5 working days (40 h).</summary>
    public static LeadRecyclingPolicy Default { get; } = new();

    /// <summary>How many times one lead may be recycled. Default 2; zero turns recycling of leads off; not negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxRecycles
    {
        get => _maxRecycles;
        init => _maxRecycles = value < 0 ? throw new ArgumentOutOfRangeException(nameof(MaxRecycles), value, $"{nameof(MaxRecycles)} must not be negative.") : value;
    }

    /// <summary>Working time a recycled lead (or a lead made from a lost deal) rests in nurture before it is routed again. Default 80 hours; not negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public Duration Cooldown
    {
        get => _cooldown;
        init => _cooldown = value < Duration.Zero ? throw new ArgumentOutOfRangeException(nameof(Cooldown), value, $"{nameof(Cooldown)} must not be negative.") : value;
    }

    /// <summary>
    /// Working time after which an unroutable lead in the manufacturer's queue is routed again (due
    /// work); zero turns the scheduled retry off (partner changes still re-route the queue). Default 40
    /// hours; not negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public Duration QueueRetry
    {
        get => _queueRetry;
        init => _queueRetry = value < Duration.Zero ? throw new ArgumentOutOfRangeException(nameof(QueueRetry), value, $"{nameof(QueueRetry)} must not be negative.") : value;
    }

    /// <summary>When a lead recycled at <paramref name="now"/> goes back into distribution.</summary>
    internal Instant ReturnsAt(Instant now, IBusinessCalendar calendar) => calendar.AddWorkingTime(now, Cooldown);

    /// <summary>When a lead that went unroutable at <paramref name="now"/> is routed again; null when retries are off.</summary>
    internal Instant? QueueRetryAt(Instant now, IBusinessCalendar calendar) =>
        QueueRetry > Duration.Zero ? calendar.AddWorkingTime(now, QueueRetry) : null;
}
