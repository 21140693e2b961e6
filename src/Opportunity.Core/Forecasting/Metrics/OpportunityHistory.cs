using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// An opportunity's life as plain data, for the analyses that need history: stage conversion,
/// time in stage, stale deals, sales velocity, learned probabilities and their calibration.
/// Build it from an aggregate with <see cref="From"/> or from your own CRM's stage history.
/// </summary>
public sealed record OpportunityHistory
{
    /// <summary>Creates a history; <paramref name="stages"/> is ordered by time, the first entry the stage it opened in.</summary>
    /// <exception cref="ArgumentException">No stage entries, entries out of time order, or a stage its pipeline lacks.</exception>
    public OpportunityHistory(OpportunityId id, PartnerId partner, Money amount, PipelineDefinition pipeline, IReadOnlyList<StageChange> stages)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0)
        {
            throw new ArgumentException($"Opportunity '{id}' needs at least one stage entry.", nameof(stages));
        }

        for (var i = 0; i < stages.Count; i++)
        {
            if (!pipeline.TryGetStage(stages[i].To, out _))
            {
                throw new ArgumentException($"Opportunity '{id}': stage '{stages[i].To}' is not a stage of pipeline '{pipeline.Id}'.", nameof(stages));
            }

            if (i > 0 && stages[i].At < stages[i - 1].At)
            {
                throw new ArgumentException($"Opportunity '{id}': stage entries are not in time order at entry {i}.", nameof(stages));
            }
        }

        Id = id;
        Partner = partner;
        Amount = amount;
        Pipeline = pipeline;
        Stages = stages;
    }

    /// <summary>The id.</summary>
    public OpportunityId Id { get; }

    /// <summary>The partner.</summary>
    public PartnerId Partner { get; }

    /// <summary>The amount (at close for closed deals).</summary>
    public Money Amount { get; }

    /// <summary>The pipeline it follows.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <summary>Stage entries, oldest first.</summary>
    public IReadOnlyList<StageChange> Stages { get; }

    /// <summary>Region, for segmenting.</summary>
    public string? Region { get; init; }

    /// <summary>Product line, for segmenting.</summary>
    public string? ProductLine { get; init; }

    /// <summary>The expected close date (the last one, for a closed deal), for the close-date features of <see cref="FeatureProbabilities"/>; null when unknown.</summary>
    public LocalDate? ExpectedClose { get; init; }

    /// <summary>Where the lead came from (e.g. <c>web-form</c>), for segmenting; null when unknown.</summary>
    public string? LeadSource { get; init; }

    /// <summary>When it was opened: the first stage entry.</summary>
    public Instant CreatedAt => Stages[0].At;

    /// <summary>The current (last) stage.</summary>
    public Stage CurrentStage => Pipeline.GetStage(Stages[^1].To);

    /// <summary>When the current stage was entered.</summary>
    public Instant StageEnteredAt => Stages[^1].At;

    /// <summary>Open, won or lost: the kind of the current stage.</summary>
    public StageKind Outcome => CurrentStage.Kind;

    /// <summary>When it closed; null while open.</summary>
    public Instant? ClosedAt => Outcome == StageKind.Open ? null : Stages[^1].At;

    /// <summary>
    /// The furthest open stage reached, as an index into <see cref="PipelineDefinition.OpenStages"/>;
    /// a won deal counts as having passed every open stage (index = number of open stages).
    /// </summary>
    public int FurthestOpenStage
    {
        get
        {
            if (Outcome == StageKind.Won)
            {
                return Pipeline.OpenStages.Count;
            }

            var furthest = -1;
            foreach (var change in Stages)
            {
                var stage = Pipeline.GetStage(change.To);
                if (stage.Kind == StageKind.Open)
                {
                    furthest = Math.Max(furthest, IndexOfOpen(stage));
                }
            }

            return furthest;
        }
    }

    /// <summary>The history of an aggregate.</summary>
    public static OpportunityHistory From(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return new OpportunityHistory(opportunity.Id, opportunity.Partner, opportunity.Amount, opportunity.Definition, opportunity.History)
        {
            Region = opportunity.Region,
            ProductLine = opportunity.ProductLine,
            ExpectedClose = opportunity.ExpectedClose,
        };
    }

    /// <summary>Index of an open stage among the pipeline's open stages.</summary>
    internal int IndexOfOpen(Stage stage)
    {
        for (var i = 0; i < Pipeline.OpenStages.Count; i++)
        {
            if (string.Equals(Pipeline.OpenStages[i].Name, stage.Name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The indexes (into <see cref="PipelineDefinition.OpenStages"/>) of the open stages a closed deal
    /// counts for under <paramref name="counting"/>, ascending.
    /// </summary>
    internal IEnumerable<int> CountedOpenStages(StageCounting counting)
    {
        if (counting == StageCounting.Reached)
        {
            return Enumerable.Range(0, Math.Min(FurthestOpenStage + 1, Pipeline.OpenStages.Count));
        }

        return OpenStagesEntered().Select(IndexOfOpen).Order();
    }

    /// <summary>
    /// How long the deal stayed in <paramref name="stage"/> after first entering it: until its next
    /// stage change, or until <paramref name="asOf"/> when it is still there; null when it never
    /// entered the stage.
    /// </summary>
    internal Duration? TimeIn(Stage stage, Instant asOf)
    {
        for (var i = 0; i < Stages.Count; i++)
        {
            if (string.Equals(Stages[i].To, stage.Name, StringComparison.OrdinalIgnoreCase))
            {
                var left = i + 1 < Stages.Count ? Stages[i + 1].At : asOf;
                return left > Stages[i].At ? left - Stages[i].At : Duration.Zero;
            }
        }

        return null;
    }

    /// <summary>The open stages entered, each once, in order of first entry.</summary>
    internal IEnumerable<Stage> OpenStagesEntered()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in Stages)
        {
            var stage = Pipeline.GetStage(change.To);
            if (stage.Kind == StageKind.Open && seen.Add(stage.Name))
            {
                yield return stage;
            }
        }
    }
}
