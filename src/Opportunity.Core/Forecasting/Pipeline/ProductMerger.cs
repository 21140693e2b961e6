namespace Opportunity.Forecasting;

/// <summary>
/// The output of a product grouping (<see cref="ProductAggregator"/>): the other dimension's groups, read as
/// product <c>(none)</c>, merged in key order with the changes of the deals with lines, which come in that same
/// order (<see cref="Correct"/>). A group whose deals all have lines has nothing left under (none): it is left out.
/// </summary>
internal sealed class ProductMerger(GroupBuffer[] plain, bool productFirst, bool wide)
{
    private readonly GroupBuffer _output = new(plain.Sum(b => b.Length), wide);
    private int _buffer;
    private int _next;

    /// <summary>Writes the plain groups before (first, second, currency), then it with its plain group's sums, if any, added.</summary>
    public void Correct(int first, int second, int currency, int count, Int128 amount, Int128 weighted)
    {
        while (_buffer < plain.Length)
        {
            var b = plain[_buffer];
            if (_next == b.Length)
            {
                b.Release();
                (_buffer, _next) = (_buffer + 1, 0);
                continue;
            }

            var (f, s, c) = productFirst ? (0, b.First(_next), (int)b.Currency(_next)) : (b.First(_next), 0, (int)b.Currency(_next));
            var order = f != first ? f.CompareTo(first) : s != second ? s.CompareTo(second) : c.CompareTo(currency);
            if (order > 0)
            {
                break;
            }

            if (order == 0)
            {
                (count, amount, weighted) = (count + b.Count(_next), amount + b.Amount(_next), weighted + b.Weighted(_next));
                _next++;
                break;
            }

            Emit(f, s, c, b.Count(_next), b.Amount(_next), b.Weighted(_next));
            _next++;
        }

        Emit(first, second, currency, count, amount, weighted);
    }

    /// <summary>Merges changes gathered in key order.</summary>
    public void Replay(GroupBuffer changes)
    {
        for (var e = 0; e < changes.Length; e++)
        {
            Correct(changes.First(e), changes.Second(e), changes.Currency(e), changes.Count(e), changes.Amount(e), changes.Weighted(e));
        }

        changes.Release();
    }

    /// <summary>Writes the plain groups after the last change and returns the output.</summary>
    public GroupBuffer[] Finish()
    {
        for (; _buffer < plain.Length; (_buffer, _next) = (_buffer + 1, 0))
        {
            var b = plain[_buffer];
            for (; _next < b.Length; _next++)
            {
                var (f, s) = productFirst ? (0, b.First(_next)) : (b.First(_next), 0);
                Emit(f, s, b.Currency(_next), b.Count(_next), b.Amount(_next), b.Weighted(_next));
            }

            b.Release();
        }

        return [_output];
    }

    private void Emit(int first, int second, int currency, int count, Int128 amount, Int128 weighted)
    {
        if (count != 0)
        {
            _output.Add(first, second, currency, count, amount, weighted);
        }
    }
}
