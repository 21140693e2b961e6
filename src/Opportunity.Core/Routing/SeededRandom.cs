namespace Opportunity.Routing;

/// <summary>SplitMix64: tiny, allocation-free and stable across runtimes, so a decision replays from its seed.</summary>
internal struct SeededRandom(long seed)
{
    private ulong _state = (ulong)seed;

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
