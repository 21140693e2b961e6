namespace Opportunity;

/// <summary>
/// The lead, opportunity, partner or pipeline definition named does not exist (in the tenant).
/// <see cref="Kind"/> and <see cref="Id"/> say which. HTTP: 404.
/// </summary>
public sealed class EntityNotFoundException : OpportunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">E.g. <see cref="OpportunityErrorCodes.LeadNotFound"/>.</param>
    /// <param name="kind">The kind of entity, e.g. <c>Lead</c>.</param>
    /// <param name="id">The id that was not found.</param>
    /// <param name="message">What was not found, in a sentence.</param>
    public EntityNotFoundException(string errorCode, string kind, string id, string message)
        : base(errorCode, message)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>The kind of entity, e.g. <c>Lead</c>, <c>SalesOpportunity</c>, <c>Partner</c>, <c>PipelineDefinition</c>.</summary>
    public string Kind { get; }

    /// <summary>The id that was not found.</summary>
    public string Id { get; }

    /// <summary>The lead <paramref name="id"/> does not exist in <paramref name="tenant"/> (<see cref="OpportunityErrorCodes.LeadNotFound"/>).</summary>
    public static EntityNotFoundException ForLead(TenantId tenant, LeadId id) =>
        new(OpportunityErrorCodes.LeadNotFound, "Lead", id.Value, $"Lead '{id}' does not exist in tenant '{tenant}'.");

    /// <summary>The opportunity <paramref name="id"/> does not exist in <paramref name="tenant"/> (<see cref="OpportunityErrorCodes.OpportunityNotFound"/>).</summary>
    public static EntityNotFoundException ForOpportunity(TenantId tenant, OpportunityId id) =>
        new(OpportunityErrorCodes.OpportunityNotFound, "SalesOpportunity", id.Value, $"Opportunity '{id}' does not exist in tenant '{tenant}'.");

    /// <summary>The partner <paramref name="id"/> does not exist in <paramref name="tenant"/> (<see cref="OpportunityErrorCodes.PartnerNotFound"/>).</summary>
    public static EntityNotFoundException ForPartner(TenantId tenant, PartnerId id) =>
        new(OpportunityErrorCodes.PartnerNotFound, "Partner", id.Value, $"Partner '{id}' does not exist in tenant '{tenant}'.");
}
