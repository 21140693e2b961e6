using System.Numerics;
using System.Runtime.CompilerServices;

namespace Opportunity.Forecasting;

/// <summary>
/// A group's row count and amount sum in one 64-bit cell (cell = count · 2^<see cref="SumBits"/> + amount sum), so a
/// scattered row updates its group with one 16-byte add of (amount + <see cref="Unit"/>, weighted) — one store
/// instead of three. Exact while a chunk holds at most <see cref="ChunkRows"/> rows: amounts are never negative, a
/// chunk's amount sum stays below 2^<see cref="SumBits"/> and its count below 2^(63 − <see cref="SumBits"/>).
/// </summary>
internal readonly struct PackedCount
{
    /// <summary>Packs for amounts up to <paramref name="maxAmount"/> in chunks of at most <paramref name="safeRows"/> rows (the weighted sums' bound).</summary>
    public PackedCount(long maxAmount, int safeRows)
    {
        var amountBits = 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, maxAmount));

        // Count bits and amount-sum bits share 63: a chunk of < 2^countBits rows sums to < 2^(amountBits + countBits).
        var countBits = Math.Clamp((63 - amountBits) / 2, 1, 24);
        SumBits = amountBits + countBits;
        ChunkRows = Math.Max(1, Math.Min(safeRows, (1 << countBits) - 1));
    }

    /// <summary>The bit where the count starts.</summary>
    public int SumBits { get; }

    /// <summary>The most rows a cell may take before it is unpacked.</summary>
    public int ChunkRows { get; }

    /// <summary>What one row adds to its cell besides its amount.</summary>
    public long Unit => 1L << SumBits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Count(long cell) => (long)((ulong)cell >> SumBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Amount(long cell) => cell & (Unit - 1);
}
