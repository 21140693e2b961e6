using NodaTime;

namespace Opportunity;

/// <summary>
/// A partner is asked for a status update on an accepted lead or an open opportunity that saw no
/// activity for the configured period. Raised by <c>Lead</c> and <c>SalesOpportunity</c>
/// (see <see cref="DomainEvent.AggregateKind"/>); repeats on a schedule until activity resumes.
/// </summary>
/// <param name="Partner">The partner asked.</param>
/// <param name="Request">1 for the first request since the last activity, then 2, 3, …</param>
/// <param name="InactiveSince">The last activity.</param>
public sealed record FollowUpRequested(PartnerId Partner, int Request, Instant InactiveSince) : DomainEvent;
