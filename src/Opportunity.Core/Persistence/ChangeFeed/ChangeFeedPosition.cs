using System.Globalization;

namespace Opportunity.Persistence;

/// <summary>
/// A place in a tenant's change feed (<see cref="IChangeFeed"/>): the feed is ordered by
/// (<see cref="Transaction"/>, <see cref="Sequence"/>), and a reader asks for the changes after a
/// position. PostgreSQL fills both parts (the writing transaction's number in commit order and a
/// sequence within it); SQLite and the in-memory store have one writer at a time and use
/// <see cref="Sequence"/> alone. Positions of one store compare; positions of different stores do
/// not mean anything to each other. Keep one as text with <see cref="ToString"/> and <see cref="Parse"/>.
/// </summary>
/// <param name="Transaction">The writing transaction's place in commit order (0 where the store orders by sequence alone).</param>
/// <param name="Sequence">The change's place.</param>
public readonly record struct ChangeFeedPosition(long Transaction, long Sequence) : IComparable<ChangeFeedPosition>
{
    /// <summary>Before every change: reading after it returns the feed from its beginning (what retention kept).</summary>
    public static ChangeFeedPosition Start => default;

    /// <summary>Orders by <see cref="Transaction"/>, then <see cref="Sequence"/>.</summary>
    public int CompareTo(ChangeFeedPosition other)
    {
        var c = Transaction.CompareTo(other.Transaction);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>True when <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(ChangeFeedPosition left, ChangeFeedPosition right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(ChangeFeedPosition left, ChangeFeedPosition right) => left.CompareTo(right) > 0;

    /// <summary>True unless <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator <=(ChangeFeedPosition left, ChangeFeedPosition right) => left.CompareTo(right) <= 0;

    /// <summary>True unless <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator >=(ChangeFeedPosition left, ChangeFeedPosition right) => left.CompareTo(right) >= 0;

    /// <summary>The position as text, <c>transaction:sequence</c>, e.g. <c>0:42</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Transaction}:{Sequence}");

    /// <summary>Reads a position written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not two non-negative integers separated by a colon.</exception>
    public static ChangeFeedPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var transaction)
            && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return new ChangeFeedPosition(transaction, sequence);
        }

        throw new FormatException($"'{text}' is not a change feed position (transaction:sequence, e.g. 0:42).");
    }
}
