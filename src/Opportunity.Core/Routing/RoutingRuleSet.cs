using Opportunity.Routing.Json;
using Opportunity.Routing.Rules;

namespace Opportunity.Routing;

/// <summary>
/// An ordered routing pipeline: filters remove candidate partners, scorers rank the rest, a
/// selector picks one (or several, for a broadcast). Immutable and thread-safe; build it with
/// <see cref="Create"/> or load it with <see cref="FromJson"/>. The partners that already rejected
/// the lead and inactive partners are always excluded: when the rule set does not list the
/// <c>excludePrevious</c> and <c>active</c> filters, they are put first.
/// </summary>
public sealed class RoutingRuleSet
{
    /// <summary>Most partners a selector may pick at once.</summary>
    public const int MaxPicks = 64;

    private readonly IRoutingFilter[] _filters;
    private readonly WeightedScorer[] _scorers;

    internal RoutingRuleSet(string name, string? version, IEnumerable<IRoutingFilter> filters, IEnumerable<WeightedScorer> scorers, IRoutingSelector selector, PartnerId? fallbackPartner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(selector);
        if (selector.MaxPicks is < 1 or > MaxPicks)
        {
            throw new ArgumentOutOfRangeException(nameof(selector), selector.MaxPicks, $"A selector picks between 1 and {MaxPicks} partners.");
        }

        var list = filters.ToList();
        if (!list.Any(f => f.Kind == ActiveRule.KindName))
        {
            list.Insert(0, new ActiveRule());
        }

        if (!list.Any(f => f.Kind == ExcludePreviousRule.KindName))
        {
            list.Insert(0, new ExcludePreviousRule());
        }

        Name = name.Trim();
        Version = version;
        _filters = [.. list];
        _scorers = [.. scorers];
        Selector = selector;
        FallbackPartner = fallbackPartner;
    }

    /// <summary>The rule set's name, recorded in every decision.</summary>
    public string Name { get; }

    /// <summary>An optional version label, recorded in every decision.</summary>
    public string? Version { get; }

    /// <summary>The filters in pipeline order (implicit ones included).</summary>
    public IReadOnlyList<IRoutingFilter> Filters => _filters;

    /// <summary>The scorers and their weights.</summary>
    public IReadOnlyList<WeightedScorer> Scorers => _scorers;

    /// <summary>The selector.</summary>
    public IRoutingSelector Selector { get; }

    /// <summary>A partner that gets the lead when no candidate survives (if active and not excluded); null to send such leads to the manufacturer's queue.</summary>
    public PartnerId? FallbackPartner { get; }

    /// <summary>Starts a rule set in code.</summary>
    public static RoutingRuleSetBuilder Create(string name) => new(name);

    /// <summary>Loads a rule set from JSON (see docs/routing.md); errors name the JSON path.</summary>
    /// <param name="json">The document.</param>
    /// <param name="catalog">Rule kinds known to the loader; <see cref="RoutingRuleCatalog.Default"/> when null.</param>
    public static ValidationResult<RoutingRuleSet> FromJson(string json, RoutingRuleCatalog? catalog = null) =>
        RoutingRuleSetJson.Parse(json, catalog ?? RoutingRuleCatalog.Default);

    /// <summary>Routes one lead. Pure: no side effects, and the same inputs and seed give the same decision.</summary>
    /// <param name="request">The lead.</param>
    /// <param name="network">The indexed partners.</param>
    /// <param name="load">Open leads and last assignments; none when null.</param>
    /// <param name="performance">Partner performance; none when null.</param>
    /// <exception cref="InvalidOperationException">A scorer returned a negative or non-finite score, or a selector an invalid pick.</exception>
    public RoutingDecision Route(RoutingRequest request, RoutingNetwork network, IPartnerLoad? load = null, PartnerPerformanceTable? performance = null)
    {
        var context = new RoutingContext(request, network, load, performance);
        var scratch = RoutingScratch.Rent();
        try
        {
            return Run(context, scratch);
        }
        finally
        {
            RoutingScratch.Return(scratch);
        }
    }

    private RoutingDecision Run(RoutingContext context, RoutingScratch scratch)
    {
        var network = context.Network;
        var source = -1;
        for (var f = 0; f < _filters.Length; f++)
        {
            if (_filters[f] is ICandidateSource s && s.CanNarrow(context))
            {
                source = f;
                break;
            }
        }

        // Steps: 0 = source, then the filters except the source, then scorers, then the selector.
        var filterSteps = _filters.Length - (source >= 0 ? 1 : 0);
        var selectorStep = 1 + filterSteps + _scorers.Length;
        scratch.PrepareSteps(selectorStep + 1);
        var steps = scratch.Steps;
        var candidates = scratch.Candidates;
        var sourceRule = source >= 0 ? (ICandidateSource)_filters[source] : null;
        var rings = sourceRule?.RingCount(context) ?? 1;
        int found = 0, ringsUsed = 0;
        for (var ring = 0; ring < rings && candidates.Count == 0; ring++)
        {
            ringsUsed++;
            if (sourceRule is null)
            {
                for (var i = 0; i < network.Count; i++)
                {
                    candidates.Add(i);
                }
            }
            else
            {
                sourceRule.AddRing(context, ring, candidates);
            }

            found += candidates.Count;
            var step = 1;
            for (var f = 0; f < _filters.Length; f++)
            {
                if (f != source)
                {
                    ApplyFilter(_filters[f], step++, context, scratch);
                }
            }
        }

        steps[0].Role = RoutingStepRole.Source;
        steps[0].Rule = sourceRule;
        steps[0].Before = network.Count;
        steps[0].After = found;
        steps[0].Note = sourceRule?.DescribeSource(context, ringsUsed, found)
            ?? new RoutingNote("all {0} partners of the network (no territory or radius rule narrows this lead)", network.Count);
        for (int f = 0, step = 1; f < _filters.Length; f++)
        {
            if (f != source)
            {
                steps[step].Role = RoutingStepRole.Filter;
                steps[step++].Rule = _filters[f];
            }
        }

        var survivors = candidates.Count;
        var ranked = scratch.RankedSpan(survivors);
        for (var i = 0; i < survivors; i++)
        {
            ranked[i] = new RoutingCandidate(network[candidates[i]], 0) { NetworkIndex = candidates[i] };
        }

        for (var s = 0; s < _scorers.Length; s++)
        {
            var step = 1 + filterSteps + s;
            ApplyScorer(_scorers[s], step, ranked, context, scratch);
        }

        steps[selectorStep].Role = RoutingStepRole.Selector;
        steps[selectorStep].Rule = Selector;
        steps[selectorStep].Before = survivors;
        PartnerId[] picked = [];
        var unroutableStep = -1;
        if (survivors > 0)
        {
            Span<int> picks = stackalloc int[Selector.MaxPicks];
            var count = Selector.Select(ranked, context, picks, out var note);
            if (count < 0 || count > picks.Length)
            {
                throw new InvalidOperationException($"Selector '{Selector.Kind}' reported {count} picks; it may pick 0 to {picks.Length}.");
            }

            steps[selectorStep].Note = note;
            steps[selectorStep].After = count;
            picked = count == 0 ? [] : new PartnerId[count];
            for (var i = 0; i < count; i++)
            {
                if ((uint)picks[i] >= (uint)survivors || picks[..i].Contains(picks[i]))
                {
                    throw new InvalidOperationException($"Selector '{Selector.Kind}' picked candidate {picks[i]} twice or out of range (0..{survivors - 1}).");
                }

                picked[i] = ranked[picks[i]].Partner.Id;
                scratch.AddEntry(selectorStep, new RoutingTraceEntry(ranked[picks[i]].Partner, ranked[picks[i]].Score, default));
                steps[selectorStep].Entries++;
            }

            unroutableStep = count == 0 ? selectorStep : -1;
        }
        else
        {
            unroutableStep = LastEmptyingStep(steps, selectorStep);
        }

        var usedFallback = false;
        if (picked.Length == 0 && FallbackPartner is { } fallback && network.Find(fallback) is { IsActive: true } && !context.IsExcluded(fallback))
        {
            picked = [fallback];
            usedFallback = true;
        }

        var outcome = picked.Length == 0 ? RoutingOutcome.Unroutable
            : Selector.MaxPicks > 1 && !usedFallback ? RoutingOutcome.Broadcast
            : RoutingOutcome.Assigned;
        return new RoutingDecision(context.Request, this, outcome, picked, usedFallback, unroutableStep, network.Count, BuildTrace(scratch, selectorStep + 1));
    }

    private static int LastEmptyingStep(RoutingScratch.StepStats[] steps, int selectorStep)
    {
        if (steps[0].After == 0)
        {
            return 0;
        }

        for (var s = selectorStep - 1; s > 0; s--)
        {
            if (steps[s].Role == RoutingStepRole.Filter && steps[s].Before > 0 && steps[s].After == 0)
            {
                return s;
            }
        }

        return 0;
    }

    private static void ApplyFilter(IRoutingFilter filter, int step, RoutingContext context, RoutingScratch scratch)
    {
        var candidates = scratch.Candidates;
        var items = candidates.Items;
        var network = context.Network;
        var columnar = filter as IColumnarFilter;
        var kept = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var verdict = columnar is not null ? columnar.Check(items[i], context) : filter.Check(network[items[i]], context);
            if (verdict.IsRemoved)
            {
                scratch.AddEntry(step, new RoutingTraceEntry(network[items[i]], 0, verdict.Reason));
                scratch.Steps[step].Entries++;
            }
            else
            {
                items[kept++] = items[i];
            }
        }

        scratch.Steps[step].Before += items.Length;
        scratch.Steps[step].After += kept;
        candidates.Count = kept;
    }

    private static void ApplyScorer(WeightedScorer scorer, int step, Span<RoutingCandidate> ranked, RoutingContext context, RoutingScratch scratch)
    {
        ref var stats = ref scratch.Steps[step];
        stats.Role = RoutingStepRole.Scorer;
        stats.Rule = scorer.Scorer;
        stats.Weight = scorer.Weight;
        stats.Before = stats.After = ranked.Length;
        var columnar = scorer.Scorer as IColumnarScorer;
        for (var i = 0; i < ranked.Length; i++)
        {
            var partner = ranked[i].Partner;
            var score = columnar is not null ? columnar.Score(ranked[i].NetworkIndex, context) : scorer.Scorer.Score(partner, context);
            if (!double.IsFinite(score) || score < 0)
            {
                throw new InvalidOperationException($"Scorer '{scorer.Scorer.Kind}' gave partner '{partner.Id}' the score {score}; scores must be finite and ≥ 0.");
            }

            ranked[i] = ranked[i] with { Score = ranked[i].Score + (scorer.Weight * score) };
            scratch.AddEntry(step, new RoutingTraceEntry(partner, score, default));
            stats.Entries++;
        }
    }

    private static RoutingTrace BuildTrace(RoutingScratch scratch, int stepCount)
    {
        var stats = scratch.Steps;
        var entries = scratch.EntryCount == 0 ? [] : new RoutingTraceEntry[scratch.EntryCount];
        Span<int> offsets = stepCount <= 64 ? stackalloc int[stepCount] : new int[stepCount];
        for (int s = 0, offset = 0; s < stepCount; s++)
        {
            offsets[s] = offset;
            offset += stats[s].Entries;
        }

        Span<int> fill = stepCount <= 64 ? stackalloc int[stepCount] : new int[stepCount];
        offsets.CopyTo(fill);
        for (var e = 0; e < scratch.EntryCount; e++)
        {
            entries[fill[scratch.EntrySteps[e]]++] = scratch.Entries[e];
        }

        var steps = new RoutingTraceStep[stepCount];
        for (var s = 0; s < stepCount; s++)
        {
            ref var st = ref stats[s];
            steps[s] = new RoutingTraceStep(
                st.Role,
                st.Rule?.Kind ?? "network",
                st.Rule?.Description ?? "network",
                st.Weight,
                st.Before,
                st.After,
                new ArraySegment<RoutingTraceEntry>(entries, offsets[s], st.Entries),
                st.Note);
        }

        return new RoutingTrace(steps);
    }
}
