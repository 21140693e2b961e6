namespace Opportunity.Persistence;

/// <summary>
/// One entry of a change feed (<see cref="IChangeFeed"/>): an opportunity was added or saved, and
/// this is its state as the store holds it when the entry is read — its stored version and its
/// pipeline row — not a diff. Applying entries is therefore idempotent and order-tolerant per
/// opportunity: a consumer keeps, per opportunity, the row of the highest version it has seen
/// (<see cref="Forecasting.LivePipeline.Apply(OpportunityChange)"/> does).
/// </summary>
/// <param name="Position">The entry's place in the feed.</param>
/// <param name="Id">The opportunity.</param>
/// <param name="Version">Its stored version at the time of reading (at least the version the change wrote).</param>
/// <param name="Row">Its pipeline row; null when the store no longer reads it (quarantined as unreadable): leave it out.</param>
public sealed record OpportunityChange(ChangeFeedPosition Position, OpportunityId Id, long Version, StoredPipelineRow? Row);
