using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>An opportunity was opened.</summary>
/// <param name="Partner">The partner working it.</param>
/// <param name="Amount">Its amount.</param>
/// <param name="Stage">The stage it opened in.</param>
/// <param name="ExpectedClose">Its expected close date.</param>
public sealed record OpportunityOpened(PartnerId Partner, Money Amount, string Stage, LocalDate ExpectedClose) : DomainEvent
{
    /// <summary>The id of the pipeline definition it follows; null in events recorded before this was captured (read as <c>default</c>).</summary>
    public string? PipelineId { get; init; }

    /// <summary>Its region, so projections (the live pipeline) need not reload the aggregate.</summary>
    public string? Region { get; init; }

    /// <summary>Its product line.</summary>
    public string? ProductLine { get; init; }

    /// <summary>The probability override it opened with, if any.</summary>
    public Probability? ProbabilityOverride { get; init; }

    /// <summary>The forecast category override it opened with, if any.</summary>
    public ForecastCategory? ForecastCategoryOverride { get; init; }
}

/// <summary>An opportunity moved to another open stage (the probability override, if any, was cleared).</summary>
/// <param name="From">Previous stage.</param>
/// <param name="To">New stage.</param>
public sealed record OpportunityStageChanged(string From, string To) : DomainEvent;

/// <summary>An opportunity's amount changed.</summary>
/// <param name="Previous">The amount before.</param>
/// <param name="Current">The amount now.</param>
public sealed record OpportunityAmountChanged(Money Previous, Money Current) : DomainEvent;

/// <summary>An opportunity's line items were replaced; its amount is now their sum (or, with no lines, unchanged).</summary>
/// <param name="Lines">The lines now (empty when cleared).</param>
/// <param name="Previous">The amount before.</param>
/// <param name="Current">The amount now.</param>
public sealed record OpportunityLinesChanged(IReadOnlyList<OpportunityLine> Lines, Money Previous, Money Current) : DomainEvent;

/// <summary>An opportunity's credit splits were replaced (shares total 100 %, or none: all credit to the partner).</summary>
/// <param name="Splits">The splits now (empty when cleared).</param>
public sealed record OpportunitySplitsChanged(IReadOnlyList<OpportunitySplit> Splits) : DomainEvent;

/// <summary>An opportunity's expected close date changed (the raw material of close-date slip).</summary>
/// <param name="Previous">The date before.</param>
/// <param name="Current">The date now.</param>
public sealed record OpportunityCloseDateChanged(LocalDate Previous, LocalDate Current) : DomainEvent;

/// <summary>An opportunity's probability override was set or cleared.</summary>
/// <param name="Override">The new override; null when cleared.</param>
public sealed record OpportunityProbabilityOverridden(Probability? Override) : DomainEvent;

/// <summary>An opportunity's forecast category override was set or cleared.</summary>
/// <param name="Override">The new override; null when cleared.</param>
public sealed record OpportunityForecastCategoryOverridden(ForecastCategory? Override) : DomainEvent;

/// <summary>An exit criterion of the current stage was marked met.</summary>
/// <param name="Criterion">The criterion's name.</param>
public sealed record OpportunityCriterionMet(string Criterion) : DomainEvent;

/// <summary>Activity on the opportunity was recorded (resets follow-up timers). Raised up to 0.2.0 and still read from stored outboxes; notes now raise <see cref="SalesActivityRecorded"/>.</summary>
/// <param name="Note">What happened.</param>
public sealed record OpportunityActivityRecorded(string Note) : DomainEvent;

/// <summary>An opportunity was closed won or lost.</summary>
/// <param name="Outcome">Won or lost.</param>
/// <param name="Stage">The closing stage.</param>
/// <param name="Reason">The documented reason.</param>
/// <param name="Amount">The amount at close.</param>
public sealed record OpportunityClosed(StageKind Outcome, string Stage, string Reason, Money Amount) : DomainEvent;

/// <summary>A closed opportunity was reopened.</summary>
/// <param name="From">The closed stage it was in.</param>
/// <param name="To">The open stage it reopened in.</param>
/// <param name="Reason">Why.</param>
public sealed record OpportunityReopened(string From, string To, string Reason) : DomainEvent;
