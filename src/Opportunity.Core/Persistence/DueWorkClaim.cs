using NodaTime;

namespace Opportunity.Persistence;

/// <summary>A worker's request for due items: what is due at <see cref="Now"/>, at most <see cref="MaxItems"/>, leased for <see cref="LeaseDuration"/>.</summary>
public sealed record DueWorkClaim
{
    /// <summary>Creates a claim.</summary>
    /// <exception cref="ArgumentException">The owner is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Max items or lease not positive.</exception>
    public DueWorkClaim(Instant now, int maxItems, string owner, Duration leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (leaseDuration <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "Lease duration must be positive.");
        }

        Now = now;
        MaxItems = maxItems;
        Owner = owner;
        LeaseDuration = leaseDuration;
    }

    /// <summary>Items due at or before this instant are eligible.</summary>
    public Instant Now { get; }

    /// <summary>At most this many items.</summary>
    public int MaxItems { get; }

    /// <summary>Who claims (a host or worker id).</summary>
    public string Owner { get; }

    /// <summary>How long the claim holds before another worker may take the item.</summary>
    public Duration LeaseDuration { get; }
}
