using System.Runtime.CompilerServices;

namespace Opportunity.Forecasting;

/// <summary>
/// Orders the rows of each long run of equal (partner, stage, currency) by close month, keeping the
/// order of rows with the same month. The groupings by month, quarter or fiscal year (alone, with the stage,
/// category, region or partner) then meet the deals of one period in runs, and a block of eight rows
/// with one key is summed in vectors with one table update instead of eight scattered ones; a large
/// partner's run splits into long runs per month. Nothing reads a meaning into the order of rows within a run.
/// </summary>
internal static class RunsByMonth
{
    /// <summary>Runs up to this long are sorted by insertion; longer ones by counting their months.</summary>
    private const int InsertionLimit = 32;

    /// <summary>
    /// Runs shorter than this are left as they are: they cannot fill a block of eight rows of one month,
    /// and most runs of a large network are short (the long ones hold most rows).
    /// </summary>
    private const int MinimumRun = 16;

    /// <summary>
    /// Orders every run of at least <see cref="MinimumRun"/> rows in place (columns clustered by partner, stage
    /// and currency, partners starting at <paramref name="partnerStart"/>), over up to <paramref name="workers"/>
    /// threads (disjoint partner ranges). With <paramref name="mapRows"/> returns the new position of each row
    /// (for the product parts, which refer to rows), otherwise null.
    /// </summary>
    public static int[]? Order(long[] amount, ushort[] basisPoints, byte[] stage, byte[] category, byte[] currency, short[] month, ushort[] region, ushort[] product, int[] partnerStart, bool mapRows, int workers)
    {
        var moved = mapRows ? Identity(amount.Length) : null;
        var partners = partnerStart.Length - 1;
        workers = Math.Clamp(amount.Length / (1 << 17), 1, Math.Max(1, workers));
        var bounds = new int[workers + 1];
        bounds[workers] = partners;
        for (var w = 1; w < workers; w++)
        {
            var p = Array.BinarySearch(partnerStart, (int)((long)amount.Length * w / workers));
            bounds[w] = Math.Clamp(p >= 0 ? p : ~p, bounds[w - 1], partners);
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var order = new int[InsertionLimit];
            var columns = new Columns(amount, basisPoints, category, month, region, product);
            for (var p = bounds[w]; p < bounds[w + 1]; p++)
            {
                for (int from = partnerStart[p], to; from < partnerStart[p + 1]; from = to)
                {
                    to = from + 1;
                    while (to < partnerStart[p + 1] && stage[to] == stage[from] && currency[to] == currency[from])
                    {
                        to++;
                    }

                    if (to - from < MinimumRun || InOrder(month, from, to))
                    {
                        continue;
                    }

                    if (order.Length < to - from)
                    {
                        order = new int[Math.Max(to - from, order.Length * 2)];
                    }

                    var run = order.AsSpan(0, to - from);
                    Sort(month, from, run);
                    columns.Permute(from, run, moved);
                }
            }
        });

        return moved;
    }

    private static bool InOrder(short[] month, int from, int to)
    {
        for (var i = from + 1; i < to; i++)
        {
            if (month[i] < month[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fills <paramref name="run"/> with the offsets (from <paramref name="from"/>) of the run's rows in month order, stable.</summary>
    private static void Sort(short[] month, int from, Span<int> run)
    {
        if (run.Length <= InsertionLimit)
        {
            for (var i = 0; i < run.Length; i++)
            {
                var m = month[from + i];
                var j = i;
                for (; j > 0 && month[from + run[j - 1]] > m; j--)
                {
                    run[j] = run[j - 1];
                }

                run[j] = i;
            }

            return;
        }

        var min = short.MaxValue;
        var max = short.MinValue;
        for (var i = 0; i < run.Length; i++)
        {
            min = Math.Min(min, month[from + i]);
            max = Math.Max(max, month[from + i]);
        }

        var starts = new int[max - min + 2];
        for (var i = 0; i < run.Length; i++)
        {
            starts[month[from + i] - min + 1]++;
        }

        for (var k = 1; k < starts.Length; k++)
        {
            starts[k] += starts[k - 1];
        }

        for (var i = 0; i < run.Length; i++)
        {
            run[starts[month[from + i] - min]++] = i;
        }
    }

    private static int[] Identity(int n)
    {
        var map = new int[n];
        for (var i = 0; i < n; i++)
        {
            map[i] = i;
        }

        return map;
    }

    /// <summary>The columns that differ within a run (stage and currency are the run's), permuted through one buffer each.</summary>
    private sealed class Columns(long[] amount, ushort[] basisPoints, byte[] category, short[] month, ushort[] region, ushort[] product)
    {
        private long[] _longs = new long[InsertionLimit];
        private ushort[] _words = new ushort[InsertionLimit];
        private byte[] _bytes = new byte[InsertionLimit];

        /// <summary>Row from + k takes the row from + run[k]; <paramref name="moved"/> (if any) records each row's new position.</summary>
        public void Permute(int from, ReadOnlySpan<int> run, int[]? moved)
        {
            if (_longs.Length < run.Length)
            {
                var size = Math.Max(run.Length, _longs.Length * 2);
                _longs = new long[size];
                _words = new ushort[size];
                _bytes = new byte[size];
            }

            Apply(amount, _longs, from, run);
            Apply(basisPoints, _words, from, run);
            Apply(category, _bytes, from, run);
            Apply(region, _words, from, run);
            Apply(product, _words, from, run);
            Apply(Unsafe.As<ushort[]>(month), _words, from, run);
            for (var k = 0; moved is not null && k < run.Length; k++)
            {
                moved[from + run[k]] = from + k;
            }
        }

        private static void Apply<T>(T[] column, T[] buffer, int from, ReadOnlySpan<int> run)
        {
            for (var k = 0; k < run.Length; k++)
            {
                buffer[k] = column[from + run[k]];
            }

            buffer.AsSpan(0, run.Length).CopyTo(column.AsSpan(from, run.Length));
        }
    }
}
