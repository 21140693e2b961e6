namespace Opportunity.Leads;

/// <summary>
/// Links a lead to the open lead or opportunity it duplicates (same company, e-mail domain or
/// phone), and names the partner already working that deal, if any.
/// </summary>
/// <param name="ExistingLead">The earlier lead it matches (for an opportunity, the opportunity's source lead); null for a deal opened directly or imported without a lead.</param>
/// <param name="ExistingOpportunity">The open opportunity it matches, by the opportunity's customer keys or through its source lead.</param>
/// <param name="WorkingPartner">The partner already working the earlier lead or opportunity; null when nobody does yet.</param>
/// <param name="MatchedOn">Which normalised keys matched, e.g. <c>company, emailDomain</c>.</param>
public sealed record LeadDuplicateLink(LeadId? ExistingLead, OpportunityId? ExistingOpportunity, PartnerId? WorkingPartner, string MatchedOn)
{
    /// <summary>What the lead duplicates, for messages and routing traces: <c>lead L-1</c>, <c>lead L-1 (opportunity O-1)</c> or <c>opportunity O-1</c>.</summary>
    public string DescribeExisting() => (ExistingLead, ExistingOpportunity) switch
    {
        ({ } lead, { } opportunity) => $"lead {lead} (opportunity {opportunity})",
        ({ } lead, null) => $"lead {lead}",
        (null, { } opportunity) => $"opportunity {opportunity}",
        _ => "an unnamed record",
    };
}
