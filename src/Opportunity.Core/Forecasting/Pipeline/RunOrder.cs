using System.Runtime.CompilerServices;

namespace Opportunity.Forecasting;

/// <summary>
/// Orders the rows of each long run of equal (partner, stage, currency) by close month, then product
/// line, keeping the order of rows with equal keys. The groupings by month, quarter, fiscal year or
/// product line (alone, or with the stage, category, region or partner) then meet a large partner's
/// deals of one key in runs, and a block of eight rows with one key is summed in vectors with one table
/// update instead of eight scattered ones. Nothing reads a meaning into the order of rows within a run.
/// </summary>
internal static class RunOrder
{
    /// <summary>Runs up to this long are sorted by insertion; longer ones by counting their keys.</summary>
    private const int InsertionLimit = 32;

    /// <summary>
    /// Runs shorter than this are left as they are: they can hardly fill a block of eight rows of one key,
    /// and most runs of a large network are short (the long ones hold most rows).
    /// </summary>
    private const int MinimumRun = 16;

    /// <summary>
    /// Orders every run of at least <see cref="MinimumRun"/> rows in place (columns clustered by partner, stage
    /// and currency, partners starting at <paramref name="partnerStart"/>), over up to <paramref name="workers"/>
    /// threads (disjoint partner ranges). With <paramref name="mapRows"/> returns the new position of each row
    /// (for the product parts, which refer to rows), otherwise null.
    /// </summary>
    public static int[]? Order(long[] amount, ushort[] basisPoints, byte[] stage, byte[] category, byte[] currency, short[] month, ushort[] region, ushort[] product, int productLines, int[] partnerStart, bool mapRows, int workers)
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
            var keys = new int[InsertionLimit];
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

                    if (to - from < MinimumRun)
                    {
                        continue;
                    }

                    if (order.Length < to - from)
                    {
                        order = new int[Math.Max(to - from, order.Length * 2)];
                        keys = new int[order.Length];
                    }

                    var run = order.AsSpan(0, to - from);
                    var range = Keys(month, product, productLines, from, keys.AsSpan(0, to - from));
                    if (!InOrder(keys.AsSpan(0, to - from)))
                    {
                        Sort(keys.AsSpan(0, to - from), range, run);
                        columns.Permute(from, run, moved);
                    }
                }
            }
        });

        return moved;
    }

    /// <summary>
    /// The sort key of each row of the run: month, then product line, as (month − the run's first month) ×
    /// product lines + product line when that range stays small, else the month alone. Returns the range.
    /// </summary>
    private static int Keys(short[] month, ushort[] product, int productLines, int from, Span<int> keys)
    {
        var min = int.MaxValue;
        var max = int.MinValue;
        for (var i = 0; i < keys.Length; i++)
        {
            min = Math.Min(min, month[from + i]);
            max = Math.Max(max, month[from + i]);
        }

        var months = max - min + 1;
        var lines = (long)months * Math.Max(1, productLines) <= Math.Max(MaxCountingRange, 4L * keys.Length) ? Math.Max(1, productLines) : 1;
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ((month[from + i] - min) * lines) + (lines == 1 ? 0 : product[from + i]);
        }

        return months * lines;
    }

    /// <summary>Key ranges up to this size are always counted (otherwise up to four times the run's length).</summary>
    private const int MaxCountingRange = 1024;

    private static bool InOrder(ReadOnlySpan<int> keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] < keys[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fills <paramref name="run"/> with the offsets of the run's rows in key order, stable (keys in [0, range)).</summary>
    private static void Sort(ReadOnlySpan<int> keys, int range, Span<int> run)
    {
        if (run.Length <= InsertionLimit || range > Math.Max(MaxCountingRange, 4 * run.Length))
        {
            // Short runs, or months too far apart to count (decades of close dates): insertion, then a stable sort.
            if (run.Length > InsertionLimit)
            {
                var pairs = new long[run.Length];
                for (var i = 0; i < run.Length; i++)
                {
                    pairs[i] = ((long)keys[i] << 32) | (uint)i;
                }

                Array.Sort(pairs);
                for (var i = 0; i < run.Length; i++)
                {
                    run[i] = (int)pairs[i];
                }

                return;
            }

            for (var i = 0; i < run.Length; i++)
            {
                var key = keys[i];
                var j = i;
                for (; j > 0 && keys[run[j - 1]] > key; j--)
                {
                    run[j] = run[j - 1];
                }

                run[j] = i;
            }

            return;
        }

        var starts = new int[range + 1];
        for (var i = 0; i < run.Length; i++)
        {
            starts[keys[i] + 1]++;
        }

        for (var k = 1; k < starts.Length; k++)
        {
            starts[k] += starts[k - 1];
        }

        for (var i = 0; i < run.Length; i++)
        {
            run[starts[keys[i]]++] = i;
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
