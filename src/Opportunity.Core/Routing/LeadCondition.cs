using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>
/// Which leads a rule set of <see cref="RoutingRuleSets"/> routes: each condition that is set must
/// hold (an empty set means any). A lead without an estimated value, or with one in another currency,
/// fails a value bound.
/// </summary>
public sealed record LeadCondition
{
    /// <summary>Lead sources, e.g. <c>web</c>, <c>trade-fair</c> (case-insensitive); empty: any.</summary>
    public IReadOnlySet<string> Sources { get; init => field = value ?? throw new ArgumentNullException(nameof(Sources)); } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Product lines the lead is interested in (case-insensitive); empty: any.</summary>
    public IReadOnlySet<string> ProductLines { get; init => field = value ?? throw new ArgumentNullException(nameof(ProductLines)); } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Countries of the lead; empty: any.</summary>
    public IReadOnlySet<CountryCode> Countries { get; init => field = value ?? throw new ArgumentNullException(nameof(Countries)); } = new HashSet<CountryCode>();

    /// <summary>The lowest estimated value (inclusive); null: no lower bound.</summary>
    public Money? MinValue { get; init; }

    /// <summary>The highest estimated value (exclusive); null: no upper bound.</summary>
    public Money? MaxValue { get; init; }

    /// <summary>True when <paramref name="lead"/> meets every condition that is set.</summary>
    public bool Matches(LeadDetails lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        if (Sources.Count > 0 && (lead.Source is not { } source || !Sources.Contains(source)))
        {
            return false;
        }

        if (ProductLines.Count > 0 && (lead.ProductInterest is not { } product || !ProductLines.Contains(product)))
        {
            return false;
        }

        if (Countries.Count > 0 && (lead.Location.Country is not { } country || !Countries.Contains(country)))
        {
            return false;
        }

        if (MinValue is null && MaxValue is null)
        {
            return true;
        }

        return lead.EstimatedValue is { } value
            && (MinValue is not { } min || (min.Currency == value.Currency && value.Amount >= min.Amount))
            && (MaxValue is not { } max || (max.Currency == value.Currency && value.Amount < max.Amount));
    }
}
