using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Opportunity.Forecasting;

/// <summary>
/// The Monte Carlo random stream: sixteen independent xoshiro128+ generators (one per lane, two
/// 8-lane vectors), seeded per trial from SplitMix64(seed, trial). Row <c>i</c> of a trial uses lane
/// <c>i mod 16</c> of step <c>i / 16</c>, so a trial's draws depend only on the seed and the trial
/// number — not on the machine, vector width or thread count. The same code runs with or without
/// SIMD hardware (Vector256 falls back to software).
/// </summary>
internal struct TrialRandom
{
    public Vector256<uint> S0A, S1A, S2A, S3A, S0B, S1B, S2B, S3B;

    public static TrialRandom ForTrial(ulong seed, long trial)
    {
        var state = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(trial + 1));
        Span<uint> words = stackalloc uint[64];
        for (var i = 0; i < 64; i += 2)
        {
            var z = SplitMix64(ref state);
            words[i] = (uint)z;
            words[i + 1] = (uint)(z >> 32);
        }

        // A lane whose four words are all zero would stay zero forever; give it a one bit.
        for (var lane = 0; lane < 16; lane++)
        {
            if ((words[lane] | words[16 + lane] | words[32 + lane] | words[48 + lane]) == 0)
            {
                words[lane] = 1;
            }
        }

        return new TrialRandom
        {
            S0A = Vector256.Create<uint>(words[0..8]),
            S0B = Vector256.Create<uint>(words[8..16]),
            S1A = Vector256.Create<uint>(words[16..24]),
            S1B = Vector256.Create<uint>(words[24..32]),
            S2A = Vector256.Create<uint>(words[32..40]),
            S2B = Vector256.Create<uint>(words[40..48]),
            S3A = Vector256.Create<uint>(words[48..56]),
            S3B = Vector256.Create<uint>(words[56..64]),
        };
    }

    /// <summary>One xoshiro128+ step of a half: returns s0 + s3 and advances the state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Next(ref Vector256<uint> s0, ref Vector256<uint> s1, ref Vector256<uint> s2, ref Vector256<uint> s3)
    {
        var result = s0 + s3;
        var t = Vector256.ShiftLeft(s1, 9);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Vector256.ShiftLeft(s3, 11) | Vector256.ShiftRightLogical(s3, 21);
        return result;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
