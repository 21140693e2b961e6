using NodaTime;

namespace Opportunity.Notifications;

/// <summary>
/// Retry delays that double from <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, with
/// "equal jitter": the n-th delay lies in [d/2, d) where d = min(max, initial × 2ⁿ⁻¹). The jitter
/// is a hash of the seed, the message id and the attempt number, not a shared random generator,
/// so a delay is reproducible for a given seed whatever order dispatchers run in, while
/// different messages failing together still spread out.
/// </summary>
public sealed class ExponentialBackoff
{
    /// <summary>Creates a back-off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Initial delay not positive, or max delay below it.</exception>
    public ExponentialBackoff(Duration initialDelay, Duration maxDelay, int seed)
    {
        if (initialDelay <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(initialDelay), initialDelay, "Initial delay must be positive.");
        }

        if (maxDelay < initialDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), maxDelay, "Max delay must not be shorter than the initial delay.");
        }

        InitialDelay = initialDelay;
        MaxDelay = maxDelay;
        Seed = seed;
    }

    /// <summary>The delay before the first retry, before jitter.</summary>
    public Duration InitialDelay { get; }

    /// <summary>The cap on the delay, before jitter.</summary>
    public Duration MaxDelay { get; }

    /// <summary>The jitter seed.</summary>
    public int Seed { get; }

    /// <summary>The un-jittered delay after <paramref name="failedAttempts"/> failures: min(max, initial × 2^(failedAttempts−1)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="failedAttempts"/> is less than 1.</exception>
    public Duration BaseDelay(int failedAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var initial = InitialDelay.BclCompatibleTicks;
        var max = MaxDelay.BclCompatibleTicks;
        var shift = failedAttempts - 1;
        return shift >= 62 || initial > (max >> shift)
            ? MaxDelay
            : Duration.FromTicks(initial << shift);
    }

    /// <summary>The delay before the next attempt of <paramref name="messageId"/> after <paramref name="failedAttempts"/> failures, jitter included.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="failedAttempts"/> is less than 1.</exception>
    public Duration DelayFor(string messageId, int failedAttempts)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var d = BaseDelay(failedAttempts).BclCompatibleTicks;
        var half = d / 2;
        var fraction = (ulong)(uint)(Mix(messageId, failedAttempts) >> 32); // uniform in [0, 2^32)
        var jitter = (long)((UInt128)(ulong)(d - half) * fraction >> 32);
        return Duration.FromTicks(half + jitter);
    }

    // FNV-1a over the id, then a SplitMix64 finaliser over seed and attempt: stable across processes.
    private ulong Mix(string messageId, int attempt)
    {
        var h = 14695981039346656037UL;
        foreach (var c in messageId)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h ^= ((ulong)(uint)Seed << 32) | (uint)attempt;
        h += 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}
