using System.Runtime.CompilerServices;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// Stores sales opportunities with the same guarantees as <see cref="ILeadStore"/>: version-checked
/// writes, events to the outbox in the same transaction, scoped reads.
/// </summary>
public interface IOpportunityStore
{
    /// <summary>The opportunity, or null when it does not exist or is not visible in <paramref name="scope"/>.</summary>
    Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default);

    /// <summary>Opportunities visible in <paramref name="scope"/> that match <paramref name="query"/>, ordered by id.</summary>
    IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opportunities visible in <paramref name="scope"/>, open or closed, whose
    /// <see cref="SalesOpportunity.CustomerKeys"/> share at least one key with <paramref name="keys"/>
    /// (a key of <paramref name="keys"/> that is not null equals the same customer key), ordered by id:
    /// duplicate detection at capture matches incoming leads against deals with it, as
    /// <see cref="ILeadStore.FindDuplicateCandidatesAsync"/> does against leads. Stores answer it from an
    /// index of the keys written with the deal; this default scans <see cref="QueryAsync"/> (correct,
    /// but linear); an adapter should override it.
    /// </summary>
    IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        return ScanByCustomerKeys(QueryAsync(scope, OpportunityQuery.All, cancellationToken), keys, cancellationToken);
    }

    /// <summary>Adds a new opportunity (version 0); afterwards its version is 1.</summary>
    /// <exception cref="ConcurrencyException">An opportunity with this id exists already.</exception>
    Task AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default);

    /// <summary>Saves a changed opportunity; afterwards its version is one higher.</summary>
    /// <exception cref="ConcurrencyException">The stored version differs: somebody saved first.</exception>
    Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default);

    /// <summary>Claims due opportunities (follow-ups), as <see cref="ILeadStore.ClaimDueAsync"/> does for leads.</summary>
    Task<IReadOnlyList<SalesOpportunity>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims like <see cref="ClaimDueAsync"/> and reports the due records the claim could not read
    /// and quarantined in its transaction (see <see cref="IRecordQuarantine"/>). This default calls
    /// <see cref="ClaimDueAsync"/> and reports none; an adapter should override it.
    /// </summary>
    async Task<DueWorkBatch<SalesOpportunity>> ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) =>
        new(await ClaimDueAsync(claim, cancellationToken).ConfigureAwait(false), []);

    private static async IAsyncEnumerable<SalesOpportunity> ScanByCustomerKeys(IAsyncEnumerable<SalesOpportunity> opportunities, DuplicateKeys keys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (keys.IsEmpty)
        {
            yield break;
        }

        await foreach (var opportunity in opportunities.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (opportunity.CustomerKeys?.SharesAnyWith(keys) == true)
            {
                yield return opportunity;
            }
        }
    }
}
