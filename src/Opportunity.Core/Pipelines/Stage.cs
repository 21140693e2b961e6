using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>
/// One step of a pipeline: its default win probability, forecast category, kind, and the exit
/// criteria that must be met before a deal may move forward from it.
/// </summary>
public sealed record Stage
{
    /// <summary>Creates a stage. Values are checked when the stage is put into a <see cref="PipelineDefinition"/>.</summary>
    public Stage(string name, Probability defaultProbability, ForecastCategory forecastCategory, StageKind kind = StageKind.Open)
    {
        Name = name;
        DefaultProbability = defaultProbability;
        ForecastCategory = forecastCategory;
        Kind = kind;
    }

    /// <summary>The stage's name, unique within its pipeline (case-insensitive).</summary>
    public string Name { get; init; }

    /// <summary>The win probability of a deal in this stage unless the deal overrides it.</summary>
    public Probability DefaultProbability { get; init; }

    /// <summary>The forecast category of a deal in this stage unless the deal overrides it.</summary>
    public ForecastCategory ForecastCategory { get; init; }

    /// <summary>Open, won or lost.</summary>
    public StageKind Kind { get; init; }

    /// <summary>Named criteria that must be marked met before a deal leaves this stage forward.</summary>
    public IReadOnlyList<string> ExitCriteria { get; init; } = [];

    /// <summary>How long deals usually stay here; longer is reported as stale. Null: never stale.</summary>
    public Duration? TypicalDuration { get; init; }

    /// <summary>True for won and lost stages.</summary>
    public bool IsClosed => Kind != StageKind.Open;
}
