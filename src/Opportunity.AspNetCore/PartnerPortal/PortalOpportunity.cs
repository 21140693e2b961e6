using Opportunity.Pipelines;

namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>One of the calling partner's sales opportunities, in the portal's JSON.</summary>
/// <param name="Id">The opportunity id.</param>
/// <param name="Name">Title, if any.</param>
/// <param name="Stage">The current stage's name.</param>
/// <param name="Stages">The names of the open stages of its pipeline, in order (what an update may move it to).</param>
/// <param name="Probability">The win probability in force, 0..1.</param>
/// <param name="ForecastCategory">Pipeline, BestCase, Commit, Closed or Omitted.</param>
/// <param name="Amount">The deal amount.</param>
/// <param name="ExpectedClose">The expected close date.</param>
/// <param name="IsClosed">True when won or lost.</param>
/// <param name="SourceLead">The lead it was converted from, if any.</param>
/// <param name="Version">The version to send back with an update (optimistic concurrency).</param>
public sealed record PortalOpportunity(
    string Id,
    string? Name,
    string Stage,
    IReadOnlyList<string> Stages,
    decimal Probability,
    string ForecastCategory,
    PortalMoney Amount,
    DateOnly ExpectedClose,
    bool IsClosed,
    string? SourceLead,
    long Version)
{
    /// <summary>The activities on the deal, oldest first.</summary>
    public IReadOnlyList<PortalActivity> Activities { get; init; } = [];

    /// <summary>The agreed next step, if any.</summary>
    public PortalActivity? NextStep { get; init; }

    internal static PortalOpportunity From(SalesOpportunity opportunity) => new(
        opportunity.Id.Value,
        opportunity.Name,
        opportunity.Stage.Name,
        [.. opportunity.Definition.OpenStages.Select(s => s.Name)],
        opportunity.Probability.Value,
        opportunity.ForecastCategory.ToString(),
        PortalMoney.From(opportunity.Amount),
        opportunity.ExpectedClose.ToDateOnly(),
        opportunity.IsClosed,
        opportunity.SourceLead?.Value,
        opportunity.Version)
    {
        Activities = [.. opportunity.Activities.Select(PortalActivity.From)],
        NextStep = opportunity.NextStep is { } next ? PortalActivity.From(next) : null,
    };
}
