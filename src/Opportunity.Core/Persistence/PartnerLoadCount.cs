using NodaTime;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence;

/// <summary>
/// A partner's load as the store counts it: its open leads (see <see cref="StoredValues.CountsTowardCapacity"/>)
/// and the latest instant a lead was assigned to it.
/// </summary>
/// <param name="Partner">The partner.</param>
/// <param name="OpenLeads">Leads in Assigned or Accepted held by the partner.</param>
/// <param name="LastAssignedAt">The latest assignment (or accepted broadcast), null when none is known.</param>
public sealed record PartnerLoadCount(PartnerId Partner, int OpenLeads, Instant? LastAssignedAt);
