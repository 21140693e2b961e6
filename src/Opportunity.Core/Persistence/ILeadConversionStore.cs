using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// Converts a lead into its sales opportunity as one atomic unit, at most once per lead. Implement
/// it on the object that implements <see cref="IOpportunityStore"/> (every built-in store does):
/// <c>PartnerLeadService.ConvertAsync</c> needs it and refuses to convert without it, because
/// two separate writes leave an orphaned opportunity after a crash between them and a second
/// opportunity when two hosts convert the same lead.
/// </summary>
public interface ILeadConversionStore
{
    /// <summary>
    /// The opportunity converted from <paramref name="lead"/> in <paramref name="tenant"/>, or null
    /// when the lead has not been converted. Manufacturer scope: conversion is the store's own
    /// bookkeeping, the caller checks who may see the result.
    /// </summary>
    Task<SalesOpportunity?> FindConvertedFromAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: unless an opportunity converted from the lead exists already, adds
    /// <paramref name="opportunity"/> (version 0 → 1), saves <paramref name="lead"/> version-checked
    /// (now <see cref="LeadState.Converted"/> into that opportunity), and writes both aggregates'
    /// pending events to the outbox. The store enforces one opportunity per lead (for example with
    /// a unique source-lead column), so two hosts converting the same lead with different
    /// opportunity ids end with one opportunity.
    /// </summary>
    /// <returns>
    /// <paramref name="opportunity"/> itself when it was written (both aggregates are then marked
    /// committed), or the opportunity converted from the lead earlier, in which case nothing was
    /// written and both arguments are unchanged.
    /// </returns>
    /// <exception cref="ArgumentException">The lead is not converted into <paramref name="opportunity"/>, the opportunity does not name the lead as its source, the tenants differ, or the opportunity is not new.</exception>
    /// <exception cref="ConcurrencyException">The stored lead's version differs, or an opportunity with this id exists already (from another lead); nothing was written.</exception>
    Task<SalesOpportunity> ConvertAsync(Lead lead, SalesOpportunity opportunity, CancellationToken cancellationToken = default);
}
