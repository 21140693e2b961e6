namespace Opportunity.Persistence;

/// <summary>
/// Thrown by a store when it cannot store a value faithfully (a constraint of the storage is
/// violated, e.g. an amount too large for 64-bit minor units) or finds stored data it cannot read
/// back (e.g. a corrupt JSON document). Names the entity, its id and the field; nothing was written
/// (<see cref="OpportunityErrorCodes.StoreDataInvalid"/>; a fault of the server, not of a request).
/// </summary>
public sealed class StoreDataException : OpportunityException
{
    /// <summary>Creates the exception for one field of one entity.</summary>
    public StoreDataException(string entity, string? entityId, string field, string message, Exception? innerException = null)
        : base(OpportunityErrorCodes.StoreDataInvalid, $"{entity}{(entityId is null ? string.Empty : $" '{entityId}'")}, field {field}: {message}", field, innerException)
    {
        Entity = entity;
        EntityId = entityId;
    }

    /// <summary>The kind of entity, e.g. <c>SalesOpportunity</c>, <c>Lead</c>, <c>Partner</c>.</summary>
    public string Entity { get; }

    /// <summary>The entity's id, when known.</summary>
    public string? EntityId { get; }

    /// <summary>The offending field or column, e.g. <c>Amount</c> or <c>document</c>.</summary>
    public override string Field => base.Field!;
}
