using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Win probabilities learned from closed deals. For each open stage of a pipeline: of the closed
/// deals that count for the stage (<see cref="LearnedProbabilityOptions.Counting"/>: by default the
/// deals that entered it), the share that was won; a stage no closed deal entered keeps its default. The network rate is shrunk toward
/// the definition's default with a Beta prior (<see cref="LearnedProbabilityOptions.NetworkPriorStrength"/>),
/// each segment's rate toward the network rate (<see cref="LearnedProbabilityOptions.SegmentPriorStrength"/>),
/// so thin data falls back smoothly to the default. Probabilities are rounded to basis points,
/// half to even.
/// </summary>
/// <example>
/// <code>
/// var learned = LearnedProbabilities.Learn(closedHistories, PipelineDefinition.Default);
/// Probability p = learned.For("Proposal", segment: "P000042");
/// </code>
/// </example>
public sealed class LearnedProbabilities
{
    private readonly Dictionary<string, LearnedStageProbability> _stages;
    private readonly Func<OpportunityHistory, string?>? _segment;

    private LearnedProbabilities(PipelineDefinition pipeline, IReadOnlyList<LearnedStageProbability> stages, Func<OpportunityHistory, string?>? segment)
    {
        Pipeline = pipeline;
        Stages = stages;
        _stages = stages.ToDictionary(s => s.Stage, StringComparer.OrdinalIgnoreCase);
        _segment = segment;
    }

    /// <summary>The pipeline learned for.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <summary>What was learned per open stage, in pipeline order.</summary>
    public IReadOnlyList<LearnedStageProbability> Stages { get; }

    /// <summary>Learns from the closed deals of <paramref name="pipeline"/> among <paramref name="histories"/> (open deals are ignored).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A prior strength is not positive.</exception>
    public static LearnedProbabilities Learn(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, LearnedProbabilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new LearnedProbabilityOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.NetworkPriorStrength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SegmentPriorStrength);
        var closed = histories.Where(h => h.Pipeline.Id == pipeline.Id && h.Outcome != StageKind.Open).ToList();
        var open = pipeline.OpenStages;
        var counted = closed.Select(h => h.CountedOpenStages(options.Counting).ToHashSet()).ToList();
        var entered = closed.Select(h => h.CountedOpenStages(StageCounting.Entered).ToHashSet()).ToList();
        var stages = new List<LearnedStageProbability>();
        for (var i = 0; i < open.Count; i++)
        {
            var index = i;
            var enteredBy = entered.Count(e => e.Contains(index));

            // A stage no closed deal entered has no evidence of its own, whatever the counting: under
            // Reached it would be "learned" from won deals that skipped it (a near-certain win).
            var reached = enteredBy == 0 ? [] : closed.Where((_, d) => counted[d].Contains(index)).ToList();
            var network = ShrunkRate.Create(reached.Count(h => h.Outcome == StageKind.Won), reached.Count, open[i].DefaultProbability.ToDouble(), options.NetworkPriorStrength);
            var segments = new Dictionary<string, ShrunkRate>(StringComparer.Ordinal);
            if (options.Segment is { } segmentOf)
            {
                foreach (var group in reached.GroupBy(h => segmentOf(h)).Where(g => g.Key is not null))
                {
                    segments[group.Key!] = ShrunkRate.Create(group.Count(h => h.Outcome == StageKind.Won), group.Count(), network.Estimate, options.SegmentPriorStrength);
                }
            }

            stages.Add(new LearnedStageProbability(open[i].Name, open[i].DefaultProbability, network, segments) { Entered = enteredBy });
        }

        return new LearnedProbabilities(pipeline, stages, options.Segment);
    }

    /// <summary>
    /// The learned probability of winning a deal in <paramref name="stage"/>: the segment's rate when
    /// the segment was seen, else the network rate. Won and lost stages give 100% and 0%.
    /// </summary>
    /// <exception cref="UnknownStageException">Not a stage of the pipeline.</exception>
    public Probability For(string stage, string? segment = null)
    {
        var s = Pipeline.GetStage(stage);
        if (s.Kind != StageKind.Open)
        {
            return s.DefaultProbability;
        }

        var learned = _stages[s.Name];
        var rate = segment is not null && learned.Segments.TryGetValue(segment, out var bySegment) ? bySegment : learned.Network;
        return Probability.Round((decimal)rate.Estimate);
    }

    /// <summary>The learned probability of a deal in <paramref name="stage"/>, using the configured segment of <paramref name="history"/>.</summary>
    public Probability For(OpportunityHistory history, Stage stage)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(stage);
        return For(stage.Name, _segment?.Invoke(history));
    }

    /// <summary>A pipeline definition whose stage defaults are the learned network rates (same stages, categories and gates).</summary>
    public PipelineDefinition ToDefinition(string id) =>
        PipelineDefinition.Create(id, [.. Pipeline.Stages.Select(s => s.Kind == StageKind.Open ? s with { DefaultProbability = For(s.Name) } : s)]);
}
