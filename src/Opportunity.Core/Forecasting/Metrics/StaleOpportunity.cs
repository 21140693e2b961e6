using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>An open deal that has sat in its stage longer than the stage's typical duration.</summary>
/// <param name="Id">The deal.</param>
/// <param name="Partner">Its partner.</param>
/// <param name="Stage">Its stage.</param>
/// <param name="InStage">How long it has been in the stage.</param>
/// <param name="Typical">The stage's typical duration.</param>
public sealed record StaleOpportunity(OpportunityId Id, PartnerId Partner, string Stage, Duration InStage, Duration Typical)
{
    /// <summary>How far beyond the typical duration it is.</summary>
    public Duration Overdue => InStage - Typical;
}
