using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>The check shared by the product line and language filters: the partner's set holds the lead's value (a lead without one passes).</summary>
internal static class LeadValueMembership
{
    /// <summary>Checks on the partner object.</summary>
    public static FilterVerdict Check(Partner partner, string? value, Func<Partner, IReadOnlySet<string>> set, string removal)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return value is null || set(partner).Contains(value) ? FilterVerdict.Keep : FilterVerdict.Remove(removal, text: value);
    }

    /// <summary>Checks on the partner's row, whose column for the attribute is <paramref name="bits"/>.</summary>
    public static FilterVerdict Check(in PartnerColumns row, ulong bits, string? value, AttributeKey key, Func<Partner, IReadOnlySet<string>> set, string removal) =>
        value is null || row.Holds(bits, key, value, set) ? FilterVerdict.Keep : FilterVerdict.Remove(removal, text: value);
}
