using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// One opportunity of an import together with the outbox messages it causes (usually
/// <see cref="OutboxMessage.FromDomainEvent"/> of its events): a producer that builds each row's
/// aggregate once hands its snapshot and its messages over together, and the store writes both in
/// the import's transaction without either being kept for the rest of the batch.
/// </summary>
/// <param name="Opportunity">The opportunity, stored with version 1.</param>
/// <param name="Messages">Its outbox messages; an id already in the outbox is kept, as for every write.</param>
public sealed record OpportunityImportRow(SalesOpportunitySnapshot Opportunity, IReadOnlyList<OutboxMessage> Messages);
