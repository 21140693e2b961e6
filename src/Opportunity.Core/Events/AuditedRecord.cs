namespace Opportunity;

/// <summary>
/// A lead or an opportunity whose field history is asked for: the aggregate kind (<c>Lead</c> or
/// <c>SalesOpportunity</c>, as <see cref="AggregateRoot.AggregateKind"/>) and its id.
/// </summary>
public readonly record struct AuditedRecord
{
    private AuditedRecord(string kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>The aggregate kind: <c>Lead</c> or <c>SalesOpportunity</c>.</summary>
    public string Kind { get; }

    /// <summary>The record's id.</summary>
    public string Id { get; }

    /// <summary>A lead.</summary>
    public static AuditedRecord Of(LeadId lead) => new(nameof(Leads.Lead), lead.Value);

    /// <summary>An opportunity.</summary>
    public static AuditedRecord Of(OpportunityId opportunity) => new(nameof(Pipelines.SalesOpportunity), opportunity.Value);

    /// <summary>The record an aggregate is.</summary>
    public static AuditedRecord Of(AggregateRoot aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return new(aggregate.AggregateKind, aggregate.AggregateId);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Id}";
}
