namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>Body of a conversion: the accepted lead becomes a sales opportunity of the partner.</summary>
/// <param name="ExpectedClose">The expected close date (ISO 8601 date); required.</param>
/// <param name="Amount">The deal amount; null takes the lead's estimated value.</param>
/// <param name="OpportunityId">The new opportunity's id; null derives one from the lead id. A retry returns the opportunity converted first, whatever id it passes.</param>
public sealed record ConvertLeadRequest(DateOnly? ExpectedClose, PortalMoney? Amount = null, string? OpportunityId = null);
