using NodaTime;

namespace Opportunity.Leads;

/// <summary>A partner's refusal of a lead, with its reason; routing never offers the lead to that partner again.</summary>
/// <param name="Partner">Who rejected.</param>
/// <param name="Reason">Why (mandatory).</param>
/// <param name="At">When.</param>
/// <exception cref="InvalidTextException">The reason breaks the text rules.</exception>
public sealed record LeadRejection(PartnerId Partner, string Reason, Instant At)
{
    private readonly string _reason = TextRules.Required(Reason, "LeadRejection.Reason");

    /// <summary>Why (mandatory).</summary>
    public string Reason { get => _reason; init => _reason = TextRules.Required(value, "LeadRejection.Reason"); }
}
