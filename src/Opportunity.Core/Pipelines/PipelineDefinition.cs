using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>
/// The ordered stages a deal goes through. Several definitions may coexist (per product line or
/// deal type); each opportunity names its own. A definition is valid when stage names are unique
/// and non-empty, there is at least one open stage, exactly one won stage (100%) and at least one
/// lost stage (0%).
/// </summary>
public sealed class PipelineDefinition
{
    private readonly Dictionary<string, int> _indexByName;

    private PipelineDefinition(string id, IReadOnlyList<Stage> stages)
    {
        Id = id;
        Stages = stages;
        _indexByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < stages.Count; i++)
        {
            _indexByName[stages[i].Name] = i;
        }

        WonStage = stages.Single(s => s.Kind == StageKind.Won);
        LostStages = [.. stages.Where(s => s.Kind == StageKind.Lost)];
        OpenStages = [.. stages.Where(s => s.Kind == StageKind.Open)];
    }

    /// <summary>The definition's id, e.g. <c>default</c> or <c>solar-projects</c>.</summary>
    public string Id { get; }

    /// <summary>All stages in order.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>Open stages in order.</summary>
    public IReadOnlyList<Stage> OpenStages { get; }

    /// <summary>The won stage.</summary>
    public Stage WonStage { get; }

    /// <summary>The lost stages (usually one).</summary>
    public IReadOnlyList<Stage> LostStages { get; }

    /// <summary>
    /// The default pipeline: Qualification 10%, Needs analysis 20%, Proposal 50%, Negotiation 80%,
    /// Closed won 100%, Closed lost 0%.
    /// </summary>
    public static PipelineDefinition Default { get; } = Create("default",
    [
        new Stage("Qualification", Probability.FromPercent(10), ForecastCategory.Pipeline) { TypicalDuration = Duration.FromDays(14) },
        new Stage("Needs analysis", Probability.FromPercent(20), ForecastCategory.Pipeline) { TypicalDuration = Duration.FromDays(21) },
        new Stage("Proposal", Probability.FromPercent(50), ForecastCategory.BestCase) { TypicalDuration = Duration.FromDays(21) },
        new Stage("Negotiation", Probability.FromPercent(80), ForecastCategory.Commit) { TypicalDuration = Duration.FromDays(14) },
        new Stage("Closed won", Probability.One, ForecastCategory.Closed, StageKind.Won),
        new Stage("Closed lost", Probability.Zero, ForecastCategory.Omitted, StageKind.Lost),
    ]);

    /// <summary>Validates and creates a definition.</summary>
    /// <exception cref="InputValidationException">The definition is invalid; every problem names its stage.</exception>
    public static PipelineDefinition Create(string id, IReadOnlyList<Stage> stages) => Validate(id, stages).Value;

    /// <summary>Validates a definition without throwing.</summary>
    public static ValidationResult<PipelineDefinition> Validate(string id, IReadOnlyList<Stage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(new ValidationError("id", "A pipeline definition needs an id."));
        }
        else if (TextRules.FindProblem(id, identifier: false) is { } idProblem)
        {
            errors.Add(new ValidationError("id", $"The id holds {TextRules.Describe(idProblem.Violation, id, idProblem.Index)}."));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var where = string.IsNullOrWhiteSpace(stage?.Name) ? $"stages[{i}]" : $"stage '{stage.Name}'";
            if (stage is null)
            {
                errors.Add(new ValidationError(where, "Stage is null."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(stage.Name))
            {
                errors.Add(new ValidationError(where, "Stage name must not be empty."));
            }
            else if (TextRules.FindProblem(stage.Name, identifier: false) is { } nameProblem)
            {
                errors.Add(new ValidationError($"stages[{i}]", $"The stage name holds {TextRules.Describe(nameProblem.Violation, stage.Name, nameProblem.Index)}."));
            }
            else if (!seen.Add(stage.Name.Trim()))
            {
                errors.Add(new ValidationError(where, "Stage name is used twice."));
            }

            if (stage.Kind == StageKind.Won && stage.DefaultProbability != Probability.One)
            {
                errors.Add(new ValidationError(where, $"A won stage has probability 100%, not {stage.DefaultProbability}."));
            }

            if (stage.Kind == StageKind.Lost && stage.DefaultProbability != Probability.Zero)
            {
                errors.Add(new ValidationError(where, $"A lost stage has probability 0%, not {stage.DefaultProbability}."));
            }

            if (stage.ExitCriteria.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add(new ValidationError(where, "Exit criteria must have names."));
            }

            if (stage.TypicalDuration is { } typical && typical <= Duration.Zero)
            {
                errors.Add(new ValidationError(where, "Typical duration must be positive."));
            }
        }

        var won = stages.Count(s => s?.Kind == StageKind.Won);
        if (won != 1)
        {
            errors.Add(new ValidationError("stages", $"Exactly one stage must be the won stage; found {won}."));
        }

        if (!stages.Any(s => s?.Kind == StageKind.Lost))
        {
            errors.Add(new ValidationError("stages", "At least one stage must be a lost stage."));
        }

        if (!stages.Any(s => s?.Kind == StageKind.Open))
        {
            errors.Add(new ValidationError("stages", "At least one stage must be open."));
        }

        return errors.Count == 0
            ? ValidationResult<PipelineDefinition>.Success(new PipelineDefinition(id.Trim(), [.. stages]))
            : ValidationResult<PipelineDefinition>.Failure(errors);
    }

    /// <summary>The stage with this name (case-insensitive).</summary>
    /// <exception cref="UnknownStageException">No such stage.</exception>
    public Stage GetStage(string name) => Stages[IndexOf(name)];

    /// <summary>True when the definition has a stage with this name.</summary>
    public bool TryGetStage(string name, out Stage stage)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_indexByName.TryGetValue(name.Trim(), out var index))
        {
            stage = Stages[index];
            return true;
        }

        stage = null!;
        return false;
    }

    /// <summary>The position of a stage in the definition.</summary>
    /// <exception cref="UnknownStageException">No such stage.</exception>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _indexByName.TryGetValue(name.Trim(), out var index) ? index : throw new UnknownStageException(Id, name);
    }
}
