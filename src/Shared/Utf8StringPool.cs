using System.Text;

namespace Opportunity.Persistence;

/// <summary>
/// One string per distinct UTF-8 value read from a store, so that a stream of rows whose columns
/// repeat a few values (partner, stage, currency, region) allocates a string per value, not per
/// row. The last value is checked first (rows read in index order repeat it); others are found by
/// a lookup on the decoded characters. At most <see cref="MaxValues"/> values are kept; beyond
/// that a value is decoded into a new string each time. Compiled into each SQL adapter (a linked
/// source file): not public API.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int MaxValues = 1 << 16;
    private const int StackChars = 256;
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private byte[] _lastBytes = new byte[64];
    private int _lastLength;
    private string? _last;

    public Utf8StringPool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The string of <paramref name="utf8"/>, the same instance for the same value.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (_last is not null && utf8.SequenceEqual(_lastBytes.AsSpan(0, _lastLength)))
        {
            return _last;
        }

        var value = Lookup(utf8);
        if (utf8.Length > _lastBytes.Length)
        {
            _lastBytes = new byte[utf8.Length];
        }

        utf8.CopyTo(_lastBytes);
        _lastLength = utf8.Length;
        _last = value;
        return value;
    }

    private string Lookup(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > StackChars)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[StackChars];
        chars = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (_lookup.TryGetValue(chars, out var value))
        {
            return value;
        }

        value = new string(chars);
        if (_values.Count < MaxValues)
        {
            _values.Add(value);
        }

        return value;
    }
}
