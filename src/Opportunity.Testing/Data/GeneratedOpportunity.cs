using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Testing.Data;

/// <summary>One generated open deal, as plain values (what a CRM export row would hold).</summary>
/// <param name="Id">The opportunity id, e.g. <c>O000001-000017</c> (partner number, then the partner's deal number).</param>
/// <param name="PartnerIndex">Index of the partner in <see cref="PartnerNetwork.PartnerIds"/>.</param>
/// <param name="Partner">The partner's id.</param>
/// <param name="Amount">The amount (whole major units).</param>
/// <param name="Stage">The stage of the default pipeline.</param>
/// <param name="ProbabilityOverride">The override, if the deal has one.</param>
/// <param name="CategoryOverride">The forecast category override, if any.</param>
/// <param name="ExpectedClose">The expected close date.</param>
/// <param name="Region">The partner's region.</param>
/// <param name="ProductLine">The deal's product line.</param>
public sealed record GeneratedOpportunity(
    string Id,
    int PartnerIndex,
    PartnerId Partner,
    Money Amount,
    Stage Stage,
    Probability? ProbabilityOverride,
    ForecastCategory? CategoryOverride,
    LocalDate ExpectedClose,
    string Region,
    string ProductLine)
{
    /// <summary>The probability in force.</summary>
    public Probability Probability => ProbabilityOverride ?? Stage.DefaultProbability;

    /// <summary>The forecast category in force.</summary>
    public ForecastCategory Category => CategoryOverride ?? Stage.ForecastCategory;

    /// <summary>The deal as a draft for <see cref="SalesOpportunity.Open"/>.</summary>
    public SalesOpportunityDraft ToDraft() => new(Partner, Amount, ExpectedClose)
    {
        Stage = Stage.Name,
        ProbabilityOverride = ProbabilityOverride,
        ForecastCategoryOverride = CategoryOverride,
        Region = Region,
        ProductLine = ProductLine,
    };
}
