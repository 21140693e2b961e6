namespace Opportunity.Forecasting;

/// <summary>
/// The output of a product grouping (<see cref="ProductAggregator"/>): the other dimension's groups, read as
/// product <c>(none)</c>, merged in key order with the changes of the deals with lines, which come in that same
/// order (<see cref="Correct"/>). A group whose deals all have lines has nothing left under (none): it is left out.
/// </summary>
internal sealed class ProductMerger
{
    private readonly GroupBuffer[] _plain;
    private readonly bool _productFirst;
    private readonly GroupBuffer _output;
    private int _buffer = -1;
    private int _next;

    // The current plain buffer's length and key columns (a change compares its key with them, mostly to find it is later).
    private int _length;
    private int[] _first = [];
    private byte[] _currency = [];

    /// <summary>
    /// Sized for the most groups there can be, so that the output never grows: each plain group and at most one group a
    /// part, and at most one group a product per plain group (a deal with lines is in one).
    /// </summary>
    public ProductMerger(GroupBuffer[] plain, bool productFirst, bool wide, int parts, int products)
    {
        _plain = plain;
        _productFirst = productFirst;
        long groups = plain.Sum(b => b.Length);
        _output = new GroupBuffer((int)Math.Min(groups + Math.Min(parts, groups * (products - 1)), Array.MaxLength), wide);
        NextBuffer();
    }

    /// <summary>Writes the plain groups before (first, second, currency), then it with its plain group's sums, if any, added.</summary>
    public void Correct(int first, int second, int currency, long count, Int128 amount, Int128 weighted)
    {
        // The plain groups are (f, 0, currency), or (0, f, currency) product first: before a change of another product.
        var (key, product) = _productFirst ? (second, first) : (first, second);
        while (_length > 0 || NextBuffer())
        {
            var f = _first[_next];
            var order = (_productFirst && product != 0) ? -1 : f != key ? f.CompareTo(key) : product != 0 ? -1 : _currency[_next].CompareTo((byte)currency);
            if (order > 0)
            {
                break;
            }

            var b = _plain[_buffer];
            if (order == 0)
            {
                (count, amount, weighted) = (count + b.Count(_next), amount + b.Amount(_next), weighted + b.Weighted(_next));
                Advance();
                break;
            }

            Emit(_productFirst ? 0 : f, _productFirst ? f : 0, _currency[_next], b.Count(_next), b.Amount(_next), b.Weighted(_next));
            Advance();
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
        while (_length > 0 || NextBuffer())
        {
            var b = _plain[_buffer];
            var f = _first[_next];
            Emit(_productFirst ? 0 : f, _productFirst ? f : 0, _currency[_next], b.Count(_next), b.Amount(_next), b.Weighted(_next));
            Advance();
        }

        return [_output];
    }

    private void Advance()
    {
        _next++;
        if (_next == _length)
        {
            _length = 0;
        }
    }

    /// <summary>Moves to the next plain buffer with groups, releasing the one done; false when there is none.</summary>
    private bool NextBuffer()
    {
        if (_buffer >= 0 && _buffer < _plain.Length)
        {
            _plain[_buffer].Release();
        }

        for (_buffer++; _buffer < _plain.Length; _buffer++)
        {
            var b = _plain[_buffer];
            if (b.Length > 0)
            {
                (_length, _next) = (b.Length, 0);
                (_first, _currency) = b.KeyColumns;
                return true;
            }

            b.Release();
        }

        _buffer = _plain.Length;
        return false;
    }

    private void Emit(int first, int second, int currency, long count, Int128 amount, Int128 weighted)
    {
        if (count == 0)
        {
            return;
        }

        if (_output.Wide)
        {
            _output.Add(first, second, currency, (int)count, amount, weighted);
        }
        else
        {
            _output.AddNarrow(first, second, currency, (int)count, (long)amount, (long)weighted);
        }
    }
}
