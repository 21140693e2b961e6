using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>What is needed to open a <see cref="SalesOpportunity"/>.</summary>
/// <param name="Partner">The partner working the deal.</param>
/// <param name="Amount">The deal amount; must not be negative.</param>
/// <param name="ExpectedClose">The expected close date (local date).</param>
public sealed record SalesOpportunityDraft(PartnerId Partner, Money Amount, LocalDate ExpectedClose)
{
    /// <summary>A short title, e.g. "Heat pumps for ACME GmbH".</summary>
    public string? Name { get; init => field = TextRules.Optional(value, "SalesOpportunity.Name"); }

    /// <summary>The stage to open in; null for the definition's first open stage.</summary>
    public string? Stage { get; init; }

    /// <summary>Region (for grouping), e.g. <c>DE-South</c>.</summary>
    public string? Region { get; init => field = TextRules.Optional(value, "SalesOpportunity.Region"); }

    /// <summary>Product line (for grouping and learned probabilities).</summary>
    public string? ProductLine { get; init => field = TextRules.Optional(value, "SalesOpportunity.ProductLine"); }

    /// <summary>The lead it came from, if any.</summary>
    public LeadId? SourceLead { get; init; }

    /// <summary>
    /// The customer's duplicate keys (company, e-mail domain, phone), normalised on open with
    /// <see cref="Leads.DuplicateKeys.OfCustomer"/>: incoming leads of the same customer are matched
    /// against the open deal. A conversion takes them from the lead; personal data (see docs/concepts.md).
    /// </summary>
    public Leads.DuplicateKeys? CustomerKeys { get; init; }

    /// <summary>A probability that overrides the stage default until the stage changes.</summary>
    public Probability? ProbabilityOverride { get; init; }

    /// <summary>A forecast category that overrides the stage's.</summary>
    public ForecastCategory? ForecastCategoryOverride { get; init; }
}
