namespace Opportunity.Routing;

/// <summary>
/// A routing decision's trace, compact and bounded, as the decision log keeps it: every rule with
/// its candidate counts (filters: how many they removed, grouped by reason with one example each),
/// the best <see cref="DefaultMaxCandidates"/> candidates with each scorer's contribution, and the
/// network size and fallback flag. The full <see cref="RoutingTrace"/> lists every candidate; this
/// keeps what answers "why this partner, and why not the others?" in a few hundred bytes whatever
/// the network's size (<see cref="ToBytes"/> is the stored form).
/// </summary>
public sealed class RoutingDecisionSummary : IEquatable<RoutingDecisionSummary>
{
    /// <summary>The best candidates kept by default: 10.</summary>
    public const int DefaultMaxCandidates = 10;

    /// <summary>Removal reasons kept per filter step: 3 (the rest are counted in <see cref="RoutingStepSummary.Removed"/>).</summary>
    public const int MaxReasonsPerStep = 3;

    /// <summary>Longest text kept (a description, note or reason), in characters: 200; longer text is cut and ends with "…".</summary>
    public const int MaxTextLength = 200;

    private byte[]? _bytes;

    internal RoutingDecisionSummary(int networkSize, bool usedFallback, int unroutableStep, IReadOnlyList<RoutingStepSummary> steps, IReadOnlyList<RoutingCandidateSummary> topCandidates, int candidatesScored)
    {
        NetworkSize = networkSize;
        UsedFallback = usedFallback;
        UnroutableStep = unroutableStep;
        Steps = steps;
        TopCandidates = topCandidates;
        CandidatesScored = candidatesScored;
    }

    /// <summary>Partners in the network when the decision was made.</summary>
    public int NetworkSize { get; }

    /// <summary>True when no candidate survived and the rule set's fallback partner was taken.</summary>
    public bool UsedFallback { get; }

    /// <summary>The rules in pipeline order.</summary>
    public IReadOnlyList<RoutingStepSummary> Steps { get; }

    /// <summary>The best candidates, picked ones first, then by total score (highest first) and partner id; at most the number asked for.</summary>
    public IReadOnlyList<RoutingCandidateSummary> TopCandidates { get; }

    /// <summary>How many candidates were scored or picked in all (<see cref="TopCandidates"/> keeps the best of them).</summary>
    public int CandidatesScored { get; }

    /// <summary>The rule kind that left no candidate; null unless the decision was unroutable (or used the fallback).</summary>
    public string? UnroutableAt => UnroutableStep >= 0 && UnroutableStep < Steps.Count ? Steps[UnroutableStep].Kind : null;

    /// <summary>Index of the step that left no candidate, −1 when none.</summary>
    internal int UnroutableStep { get; }

    /// <summary>Summarises a decision, keeping the best <paramref name="maxCandidates"/> candidates.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCandidates"/> is not between 0 and 1000.</exception>
    public static RoutingDecisionSummary Of(RoutingDecision decision, int maxCandidates = DefaultMaxCandidates)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCandidates);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCandidates, 1000);
        var trace = decision.Trace.Steps;
        var scorerCount = trace.Count(s => s.Role == RoutingStepRole.Scorer);
        var candidates = new Dictionary<PartnerId, (double Total, double[] Scores)>();
        var steps = new RoutingStepSummary[trace.Count];
        var scorer = 0;
        for (var i = 0; i < trace.Count; i++)
        {
            var step = trace[i];
            steps[i] = new RoutingStepSummary(step.Role, Cut(step.Kind), Cut(step.Description), Round(step.Weight), step.CandidatesBefore, step.CandidatesAfter, Cut(step.Note.ToString()), step.Role == RoutingStepRole.Filter ? Removals(step) : []);
            if (step.Role == RoutingStepRole.Scorer)
            {
                foreach (var entry in step.Entries)
                {
                    var scores = Candidate(candidates, entry.Partner.Id, scorerCount).Scores;
                    scores[scorer] = Round(entry.Value);
                }

                scorer++;
            }
            else if (step.Role == RoutingStepRole.Selector)
            {
                foreach (var entry in step.Entries)
                {
                    Candidate(candidates, entry.Partner.Id, scorerCount);
                }
            }

        }

        // Totals from the kept (rounded) weights and scores, so a stored summary recomputes the same totals.
        var weights = steps.Where(s => s.Role == RoutingStepRole.Scorer).Select(s => s.Weight).ToArray();
        var picked = decision.Partners.ToHashSet();
        var top = candidates
            .Select(c => new RoutingCandidateSummary(c.Key, picked.Contains(c.Key), Total(weights, c.Value.Scores), c.Value.Scores))
            .OrderByDescending(c => c.Picked)
            .ThenByDescending(c => c.TotalScore)
            .ThenBy(c => c.Partner)
            .Take(maxCandidates)
            .ToArray();
        return new RoutingDecisionSummary(decision.NetworkSize, decision.UsedFallback, decision.UnroutableStep, steps, top, candidates.Count);
    }

    /// <summary>
    /// The stored form: a versioned, deflate-compressed binary encoding (format 1: unsigned LEB128
    /// integers, UTF-8 strings with their length, scores as integers in units of 0.0001; totals are
    /// recomputed from the scores). <see cref="FromBytes"/> reads it back.
    /// </summary>
    public byte[] ToBytes() => (_bytes ??= RoutingDecisionSummaryCodec.Encode(this)).ToArray();

    /// <summary>Reads the stored form.</summary>
    /// <exception cref="FormatException">The bytes are not a summary this version can read (truncated, or a newer format).</exception>
    public static RoutingDecisionSummary FromBytes(ReadOnlySpan<byte> bytes) => RoutingDecisionSummaryCodec.Decode(bytes);

    /// <summary>Equal when every field is equal (the stored forms are the same bytes).</summary>
    public bool Equals(RoutingDecisionSummary? other) =>
        other is not null && (ReferenceEquals(this, other) || Bytes().AsSpan().SequenceEqual(other.Bytes()));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RoutingDecisionSummary);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Bytes());
        return hash.ToHashCode();
    }

    private byte[] Bytes() => _bytes ??= RoutingDecisionSummaryCodec.Encode(this);

    private static (double Total, double[] Scores) Candidate(Dictionary<PartnerId, (double Total, double[] Scores)> candidates, PartnerId id, int scorerCount)
    {
        if (!candidates.TryGetValue(id, out var candidate))
        {
            candidates[id] = candidate = (0, new double[scorerCount]);
        }

        return candidate;
    }

    /// <summary>Σ weight × score, kept to four decimals.</summary>
    internal static double Total(double[] weights, double[] scores)
    {
        var total = 0.0;
        for (var i = 0; i < scores.Length && i < weights.Length; i++)
        {
            total += weights[i] * scores[i];
        }

        return Round(total);
    }

    private static RoutingRemovalSummary[] Removals(RoutingTraceStep step)
    {
        // Group by the note's template (its reason without the partner's numbers), first seen first.
        var groups = new List<(string? Template, RoutingTraceEntry First, int Count)>();
        foreach (var entry in step.Entries)
        {
            var index = groups.FindIndex(g => string.Equals(g.Template, entry.Note.Template, StringComparison.Ordinal));
            if (index >= 0)
            {
                groups[index] = groups[index] with { Count = groups[index].Count + 1 };
            }
            else if (groups.Count < MaxReasonsPerStep)
            {
                groups.Add((entry.Note.Template, entry, 1));
            }
        }

        return [.. groups.Select(g => new RoutingRemovalSummary(g.First.Partner.Id, Cut(g.First.Note.ToString()), g.Count))];
    }

    /// <summary>A score or weight kept to four decimals (what the trace prints); NaN and infinities become 0, magnitudes are capped at 10¹².</summary>
    internal static double Round(double value) =>
        double.IsFinite(value) ? Math.Round(Math.Clamp(value, -1e12, 1e12), 4, MidpointRounding.ToEven) : 0;

    internal static string Cut(string text)
    {
        if (text.Length <= MaxTextLength)
        {
            return text;
        }

        var keep = MaxTextLength - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--; // never split a surrogate pair
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
