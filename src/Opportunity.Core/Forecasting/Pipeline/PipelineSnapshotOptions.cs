using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>Settings for building a <see cref="PipelineSnapshot"/> or a <see cref="LivePipeline"/>. Every member has a documented default.</summary>
public sealed class PipelineSnapshotOptions
{
    /// <summary>Fiscal year layout for quarter and fiscal-year grouping. Default: calendar year (January start).</summary>
    public FiscalCalendar FiscalCalendar { get; set; } = FiscalCalendar.CalendarYear;

    /// <summary>Time zone in which the close instant of a closed-won deal becomes its close date. Default: UTC.</summary>
    public DateTimeZone ReportingZone { get; set; } = DateTimeZone.Utc;

    /// <summary>
    /// Whether closed-won deals are part of the snapshot (as stage "Closed won", 100%, category
    /// Closed), which the period rollup and forecasts against targets need. Closed-lost deals are
    /// never included. Default: false (open deals only).
    /// </summary>
    public bool IncludeClosedWon { get; set; }

    /// <summary>Pipeline definitions whose stage order is the display order of the Stage dimension. Default: the default pipeline only.</summary>
    public PipelineCatalog? Pipelines { get; set; }

    /// <summary>How many threads a grouping may use; 1 runs inline. Default: the processor count. Must be at least 1.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Checks the options; every problem names its option.</summary>
    public ValidationResult<PipelineSnapshotOptions> Validate()
    {
        var errors = new List<ValidationError>();
        if (ReportingZone is null)
        {
            errors.Add(new ValidationError(nameof(ReportingZone), "A reporting time zone is required."));
        }

        if (MaxDegreeOfParallelism < 1)
        {
            errors.Add(new ValidationError(nameof(MaxDegreeOfParallelism), $"Must be at least 1, was {MaxDegreeOfParallelism}."));
        }

        return errors.Count == 0 ? ValidationResult<PipelineSnapshotOptions>.Success(this) : ValidationResult<PipelineSnapshotOptions>.Failure(errors);
    }
}
