namespace Opportunity.Leads;

/// <summary>
/// Links a lead to the open lead or opportunity it duplicates (same company, e-mail domain or
/// phone), and names the partner already working that deal, if any.
/// </summary>
/// <param name="ExistingLead">The earlier lead it matches.</param>
/// <param name="ExistingOpportunity">The open opportunity it matches (through that opportunity's source lead).</param>
/// <param name="WorkingPartner">The partner already working the earlier lead or opportunity; null when nobody does yet.</param>
/// <param name="MatchedOn">Which normalised keys matched, e.g. <c>company, emailDomain</c>.</param>
public sealed record LeadDuplicateLink(LeadId ExistingLead, OpportunityId? ExistingOpportunity, PartnerId? WorkingPartner, string MatchedOn);
