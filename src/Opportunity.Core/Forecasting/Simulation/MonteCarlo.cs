using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Opportunity.Forecasting;

/// <summary>
/// Simulates the won amount of a set of deals: in each trial every deal is won with its probability
/// (independently) and the won amounts are summed, exactly, in minor units. Deals at 100% are added
/// once as a constant, deals at 0% are left out. A deal is won in a trial when its 32-bit random
/// draw, read as a signed integer, is below its threshold ⌊p × 2³²⌋ − 2³¹ (probability
/// ⌊p × 2³²⌋ / 2³², within 2.4 × 10⁻¹⁰ of p).
/// </summary>
internal sealed class MonteCarlo
{
    private const int Lanes = 16;

    private readonly long[][] _amounts;
    private readonly int[][] _thresholds;

    /// <summary>Prepares the deals, one segment per currency (padded to whole 16-row blocks with zero amounts).</summary>
    public MonteCarlo(int currencies, Func<int, IEnumerable<(long Amount, int BasisPoints)>> rowsOfCurrency)
    {
        _amounts = new long[currencies][];
        _thresholds = new int[currencies][];
        Certain = new long[currencies];
        for (var c = 0; c < currencies; c++)
        {
            var amounts = new List<long>();
            var thresholds = new List<int>();
            long total = 0;
            foreach (var (amount, basisPoints) in rowsOfCurrency(c))
            {
                total = checked(total + amount);
                if (basisPoints >= Probability.Scale)
                {
                    Certain[c] += amount;
                }
                else if (basisPoints > 0 && amount > 0)
                {
                    amounts.Add(amount);
                    thresholds.Add(Threshold(basisPoints));
                }
            }

            while (amounts.Count % Lanes != 0)
            {
                amounts.Add(0);
                thresholds.Add(int.MinValue);
            }

            _amounts[c] = [.. amounts];
            _thresholds[c] = [.. thresholds];
        }
    }

    /// <summary>Per currency: the sum of deals at 100%.</summary>
    public long[] Certain { get; }

    /// <summary>The signed threshold of a probability: ⌊bp × 2³² / 10,000⌋ − 2³¹.</summary>
    public static int Threshold(int basisPoints) => (int)((((ulong)basisPoints << 32) / Probability.Scale) - (1UL << 31));

    /// <summary>Runs trials <paramref name="fromTrial"/>..<paramref name="toTrial"/>; writes each currency's won sum (certain deals included) to <paramref name="sums"/>[c][t].</summary>
    public void Run(ulong seed, int fromTrial, int toTrial, long[][] sums)
    {
        for (var t = fromTrial; t < toTrial; t++)
        {
            var random = TrialRandom.ForTrial(seed, t);
            for (var c = 0; c < _amounts.Length; c++)
            {
                sums[c][t] = Certain[c] + Trial(_amounts[c], _thresholds[c], ref random);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Trial(long[] amounts, int[] thresholds, ref TrialRandom random)
    {
        ref var a0 = ref MemoryMarshal.GetArrayDataReference(amounts);
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(thresholds);
        var s0a = random.S0A;
        var s1a = random.S1A;
        var s2a = random.S2A;
        var s3a = random.S3A;
        var s0b = random.S0B;
        var s1b = random.S1B;
        var s2b = random.S2B;
        var s3b = random.S3B;
        var acc0 = Vector256<long>.Zero;
        var acc1 = Vector256<long>.Zero;
        var acc2 = Vector256<long>.Zero;
        var acc3 = Vector256<long>.Zero;
        for (nuint i = 0; i < (nuint)amounts.Length; i += Lanes)
        {
            var ra = TrialRandom.Next(ref s0a, ref s1a, ref s2a, ref s3a).AsInt32();
            var rb = TrialRandom.Next(ref s0b, ref s1b, ref s2b, ref s3b).AsInt32();
            var wonA = Vector256.LessThan(ra, Vector256.LoadUnsafe(ref t0, i));
            var wonB = Vector256.LessThan(rb, Vector256.LoadUnsafe(ref t0, i + 8));
            var (wonA0, wonA1) = Vector256.Widen(wonA);
            var (wonB0, wonB1) = Vector256.Widen(wonB);
            acc0 += Vector256.LoadUnsafe(ref a0, i) & wonA0;
            acc1 += Vector256.LoadUnsafe(ref a0, i + 4) & wonA1;
            acc2 += Vector256.LoadUnsafe(ref a0, i + 8) & wonB0;
            acc3 += Vector256.LoadUnsafe(ref a0, i + 12) & wonB1;
        }

        random.S0A = s0a;
        random.S1A = s1a;
        random.S2A = s2a;
        random.S3A = s3a;
        random.S0B = s0b;
        random.S1B = s1b;
        random.S2B = s2b;
        random.S3B = s3b;
        return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
    }
}
