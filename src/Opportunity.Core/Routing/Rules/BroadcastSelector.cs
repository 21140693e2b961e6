using System.Globalization;

namespace Opportunity.Routing.Rules;

/// <summary>Offers the lead to the top N candidates at once (ranked by score, then longest wait); the first to accept wins.</summary>
public sealed class BroadcastSelector : IRoutingSelector
{
    /// <summary>The kind name, <c>broadcast</c>.</summary>
    public const string KindName = "broadcast";

    /// <summary>Creates the selector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is outside 1..<see cref="RoutingRuleSet.MaxPicks"/>.</exception>
    public BroadcastSelector(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, RoutingRuleSet.MaxPicks);
        MaxPicks = count;
        Description = string.Create(CultureInfo.InvariantCulture, $"{KindName} to top {count}");
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int MaxPicks { get; }

    /// <inheritdoc />
    public int Select(ReadOnlySpan<RoutingCandidate> candidates, RoutingContext context, Span<int> picks, out RoutingNote note)
    {
        var count = Math.Min(MaxPicks, candidates.Length);
        for (var k = 0; k < count; k++)
        {
            picks[k] = CandidateRanking.Best(candidates, context, picks[..k], byScore: true);
        }

        note = new RoutingNote("offered to the top {0} of {1} candidates; the first to accept wins", count, candidates.Length);
        return count;
    }
}
