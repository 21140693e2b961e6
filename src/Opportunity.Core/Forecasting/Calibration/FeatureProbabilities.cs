using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// Win probabilities from the stage and the deal's features: a logistic regression whose offset is
/// the Beta-shrunk stage rate (<see cref="LearnedProbabilities"/>, network only) and whose weights —
/// one per feature value (partner, product line, region, size band, days in stage, month of the
/// quarter it closes in, lead source) — carry an L2 penalty, so
/// <c>logit p = logit p_stage + Σ weight(feature value)</c>. With no data, or a value seen on few
/// deals, the weights stay at 0 and the model is the stage model. The fit is exact coordinate-wise
/// Newton descent in a fixed order: the same deals give the same weights on every machine.
/// </summary>
/// <example>
/// <code>
/// var model = FeatureProbabilities.Learn(closedHistories, PipelineDefinition.Default);
/// Probability p = model.For(openHistory, asOf: now);
/// </code>
/// </example>
public sealed class FeatureProbabilities
{
    private const double Tolerance = 1e-10;

    private readonly DealFeatureValues _values;
    private readonly Dictionary<(DealFeatures, string), double> _weights;
    private readonly double[] _stageLogits;

    private FeatureProbabilities(PipelineDefinition pipeline, FeatureModelOptions options, LearnedProbabilities stages, DealFeatureValues values, Dictionary<(DealFeatures, string), double> weights, IReadOnlyList<FeatureWeight> list, int rows, int sweeps)
    {
        Pipeline = pipeline;
        Options = options;
        Stages = stages;
        _values = values;
        _weights = weights;
        Weights = list;
        TrainingRows = rows;
        Sweeps = sweeps;
        _stageLogits = [.. stages.Stages.Select(s => Logit(s.Network.Estimate))];
    }

    /// <summary>The pipeline learned for.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <summary>The options learned with.</summary>
    public FeatureModelOptions Options { get; }

    /// <summary>The stage model that is the prior (network rates, no segments).</summary>
    public LearnedProbabilities Stages { get; }

    /// <summary>The learned weights, by feature then value (ordinal).</summary>
    public IReadOnlyList<FeatureWeight> Weights { get; }

    /// <summary>(Closed deal, stage) rows learned from.</summary>
    public int TrainingRows { get; }

    /// <summary>Coordinate-descent sweeps the fit took.</summary>
    public int Sweeps { get; }

    /// <summary>Learns from the closed deals of <paramref name="pipeline"/> among <paramref name="histories"/> (open deals are ignored).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public static FeatureProbabilities Learn(IEnumerable<OpportunityHistory> histories, PipelineDefinition pipeline, FeatureModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= new FeatureModelOptions();
        options.Validate();
        // In id order, so the floating-point sums (and the weights) do not depend on the input order.
        var closed = histories.Where(h => h.Pipeline.Id == pipeline.Id && h.Outcome != StageKind.Open).OrderBy(h => h.Id).ToList();
        var stages = LearnedProbabilities.Learn(closed, pipeline, new LearnedProbabilityOptions { NetworkPriorStrength = options.NetworkPriorStrength, Segment = null, Counting = options.Counting });
        var values = new DealFeatureValues(options, closed);
        var features = DealFeatureValues.Each.Where(f => options.Features.HasFlag(f)).ToArray();

        // One row per (closed deal, counted stage): offset = the stage's logit, y = won, and the
        // deal's feature values (as labels first, numbered once all are known).
        var offsets = new List<double>();
        var outcomes = new List<bool>();
        var labels = new List<(DealFeatures, string)?[]>();
        foreach (var h in closed)
        {
            var asOf = h.ClosedAt!.Value;
            foreach (var i in h.CountedOpenStages(options.Counting))
            {
                var stage = pipeline.OpenStages[i];
                offsets.Add(Logit(stages.Stages[i].Network.Estimate));
                outcomes.Add(h.Outcome == StageKind.Won);
                labels.Add([.. features.Select(f => values.Of(f, h, stage, asOf) is { } v ? ((DealFeatures, string)?)(f, v) : null)]);
            }
        }

        var keys = labels.SelectMany(l => l).OfType<(DealFeatures Feature, string Value)>().Distinct()
            .OrderBy(k => k.Feature).ThenBy(k => k.Value, StringComparer.Ordinal).ToArray();
        var ids = keys.Select((k, j) => (k, j)).ToDictionary(x => x.k, x => x.j);
        var rowsOf = keys.Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < labels.Count; r++)
        {
            foreach (var label in labels[r])
            {
                if (label is { } key)
                {
                    rowsOf[ids[key]].Add(r);
                }
            }
        }

        var (weights, sweeps) = Fit(offsets, outcomes, rowsOf, options);
        var byKey = new Dictionary<(DealFeatures, string), double>();
        var list = new List<FeatureWeight>(keys.Length);
        for (var j = 0; j < keys.Length; j++)
        {
            byKey[keys[j]] = weights[j];
            list.Add(new FeatureWeight(keys[j].Feature, keys[j].Value, weights[j], rowsOf[j].Count));
        }

        return new FeatureProbabilities(pipeline, options, stages, values, byKey, list, offsets.Count, sweeps);
    }

    /// <summary>
    /// The probability of winning <paramref name="history"/>'s deal while it is in its current stage
    /// at <paramref name="asOf"/> (days in stage counted to then). Won and lost stages give 100% and 0%.
    /// </summary>
    public Probability For(OpportunityHistory history, Instant asOf)
    {
        ArgumentNullException.ThrowIfNull(history);
        return For(history, history.CurrentStage, asOf);
    }

    /// <summary>
    /// The probability of winning the deal while in <paramref name="stage"/>: for a closed deal the
    /// time in stage is what it spent there, for an open one the time until it closed or was last
    /// changed (use the overload with <c>asOf</c> for an open deal). Matches the model delegate of
    /// <see cref="ProbabilityCalibration.Evaluate(string, IEnumerable{OpportunityHistory}, Func{OpportunityHistory, Stage, Probability}, int)"/>.
    /// </summary>
    public Probability For(OpportunityHistory history, Stage stage)
    {
        ArgumentNullException.ThrowIfNull(history);
        return For(history, stage, history.ClosedAt ?? history.StageEnteredAt);
    }

    /// <summary>The probability of winning the deal while in <paramref name="stage"/> at <paramref name="asOf"/>.</summary>
    /// <exception cref="UnknownStageException">Not a stage of the pipeline.</exception>
    public Probability For(OpportunityHistory history, Stage stage, Instant asOf)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(stage);
        var s = Pipeline.GetStage(stage.Name);
        if (s.Kind != StageKind.Open)
        {
            return s.DefaultProbability;
        }

        var index = 0;
        while (!string.Equals(Pipeline.OpenStages[index].Name, s.Name, StringComparison.OrdinalIgnoreCase))
        {
            index++;
        }

        var logit = _stageLogits[index];
        foreach (var feature in DealFeatureValues.Each)
        {
            if (Options.Features.HasFlag(feature) && _values.Of(feature, history, s, asOf) is { } value && _weights.TryGetValue((feature, value), out var weight))
            {
                logit += weight;
            }
        }

        return Probability.Round(Sigmoid(logit));
    }

    /// <summary>
    /// Minimises Σ log-loss(offset + Σ w) + λ/2 Σ w² one weight at a time with a Newton step
    /// (clamped to ±1 log-odds so a value seen only in wins cannot jump), until no weight moves by
    /// more than the tolerance. Fixed order, so the result is deterministic.
    /// </summary>
    private static (double[] Weights, int Sweeps) Fit(List<double> offsets, List<bool> outcomes, List<int>[] rowsOf, FeatureModelOptions options)
    {
        var eta = offsets.ToArray();
        var weights = new double[rowsOf.Length];
        var lambda = options.Penalty;
        for (var sweep = 1; sweep <= options.MaxSweeps; sweep++)
        {
            var largest = 0.0;
            for (var j = 0; j < rowsOf.Length; j++)
            {
                var gradient = -lambda * weights[j];
                var curvature = lambda;
                foreach (var r in rowsOf[j])
                {
                    var p = Sigmoid(eta[r]);
                    gradient += (outcomes[r] ? 1 : 0) - p;
                    curvature += p * (1 - p);
                }

                var step = Math.Clamp(gradient / curvature, -1, 1);
                weights[j] += step;
                foreach (var r in rowsOf[j])
                {
                    eta[r] += step;
                }

                largest = Math.Max(largest, Math.Abs(step));
            }

            if (largest < Tolerance)
            {
                return (weights, sweep);
            }
        }

        return (weights, options.MaxSweeps);
    }

    private static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
