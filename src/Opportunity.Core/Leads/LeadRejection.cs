using NodaTime;

namespace Opportunity.Leads;

/// <summary>A partner's refusal of a lead, with its reason; routing never offers the lead to that partner again.</summary>
/// <param name="Partner">Who rejected.</param>
/// <param name="Reason">Why (mandatory).</param>
/// <param name="At">When.</param>
public sealed record LeadRejection(PartnerId Partner, string Reason, Instant At);
