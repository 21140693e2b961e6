using System.Runtime.CompilerServices;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;

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

    /// <summary>
    /// Leads visible in <paramref name="scope"/>, in any state, that share at least one key with
    /// <paramref name="keys"/>: a key of <paramref name="keys"/> that is not null equals the same key
    /// of <see cref="DuplicateKeys.Normalised"/> of the lead's details. Ordered by id. Duplicate
    /// detection at capture uses it; <paramref name="keys"/> must be normalised (as
    /// <see cref="DuplicateKeys.Of"/> or <see cref="DuplicateKeys.Normalised"/> return them). Stores
    /// answer it from an index of the keys maintained on every write, so its cost follows the
    /// matches, not the tenant's leads. This default scans <see cref="QueryAsync"/>: correct, but
    /// linear; an adapter should override it.
    /// </summary>
    IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        return ScanForDuplicateCandidates(QueryAsync(scope, LeadQuery.All, cancellationToken), keys, cancellationToken);
    }

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

    /// <summary>
    /// Claims like <see cref="ClaimDueAsync"/> and reports the due records the claim could not read:
    /// a store quarantines those in the claim's transaction (see <see cref="IRecordQuarantine"/>), so
    /// one unreadable record never stops the others and is not claimed again. This default calls
    /// <see cref="ClaimDueAsync"/> and reports none; an adapter should override it.
    /// </summary>
    async Task<DueWorkBatch<Lead>> ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) =>
        new(await ClaimDueAsync(claim, cancellationToken).ConfigureAwait(false), []);

    /// <summary>
    /// The load of <paramref name="tenant"/>'s partners that hold open leads (Assigned or Accepted,
    /// <see cref="StoredValues.CountsTowardCapacity"/>), ordered by partner. A store keeps these counts
    /// in the same transaction as each lead write and refuses a write that would take a partner past its
    /// <see cref="Partners.Partner.Capacity"/> with <see cref="PartnerAtCapacityException"/>, so reading
    /// them costs the partners, not the leads. This default counts by scanning
    /// <see cref="QueryAsync"/> (correct but linear, and it enforces nothing); an adapter should override it.
    /// </summary>
    async Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var open = new SortedDictionary<PartnerId, (int Open, NodaTime.Instant? Last)>();
        await foreach (var lead in QueryAsync(AccessScope.Manufacturer(tenant), LeadQuery.All, cancellationToken).ConfigureAwait(false))
        {
            if (lead.AssignedPartner is not { } partner)
            {
                continue;
            }

            var (count, last) = open.GetValueOrDefault(partner);
            open[partner] = (count + (StoredValues.CountsTowardCapacity(lead.State) ? 1 : 0), lead.AssignedAt is { } at && (last is null || at > last) ? at : last);
        }

        return [.. open.Select(kv => new PartnerLoadCount(kv.Key, kv.Value.Open, kv.Value.Last))];
    }

    private static async IAsyncEnumerable<Lead> ScanForDuplicateCandidates(IAsyncEnumerable<Lead> leads, DuplicateKeys keys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (keys.IsEmpty)
        {
            yield break;
        }

        await foreach (var lead in leads.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (DuplicateKeys.Normalised(lead.Details).SharesAnyWith(keys))
            {
                yield return lead;
            }
        }
    }
}
