using Opportunity.Leads;

namespace Opportunity.Persistence;

/// <summary>
/// Stores leads. Writes check the version (a stale write throws <see cref="ConcurrencyException"/>
/// and changes nothing) and put the lead's pending events into the outbox in the same transaction.
/// Reads take an <see cref="AccessScope"/>: a partner sees only leads assigned to it.
/// </summary>
public interface ILeadStore
{
    /// <summary>The lead with this id, or null when it does not exist or is not visible in <paramref name="scope"/>.</summary>
    Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default);

    /// <summary>Leads visible in <paramref name="scope"/> that match <paramref name="query"/>, ordered by id.</summary>
    IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default);

    /// <summary>Adds a new lead (version 0); afterwards its version is 1.</summary>
    /// <exception cref="ConcurrencyException">A lead with this id exists already.</exception>
    Task AddAsync(Lead lead, CancellationToken cancellationToken = default);

    /// <summary>Saves a changed lead; afterwards its version is one higher.</summary>
    /// <exception cref="ConcurrencyException">The stored version differs from the lead's: somebody saved first.</exception>
    Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <see cref="DueWorkClaim.MaxItems"/> leads of any tenant whose
    /// <see cref="Lead.NextDueAt"/> is at or before <see cref="DueWorkClaim.Now"/> and that no
    /// other worker holds a live lease on, oldest due first. Claimed leads are leased to the
    /// claimant until <c>Now + LeaseDuration</c>, so several hosts share the work.
    /// </summary>
    Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default);
}
