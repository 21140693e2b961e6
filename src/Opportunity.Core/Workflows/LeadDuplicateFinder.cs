using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Workflows;

/// <summary>
/// Finds the open lead or opportunity a new lead duplicates, for capture
/// (<see cref="LeadIntakeService"/>) and deal registration (<see cref="DealRegistrationService"/>)
/// alike, so both apply the same duplicate policy.
/// </summary>
internal sealed class LeadDuplicateFinder(ILeadStore leads, IOpportunityStore opportunities, IOptions<LeadDistributionOptions> options)
{
    private static readonly LeadState[] CandidateStates =
    [
        LeadState.Captured, LeadState.Qualified, LeadState.Assigned, LeadState.Offered, LeadState.Accepted,
        LeadState.Rejected, LeadState.SlaExpired, LeadState.Unroutable, LeadState.PendingApproval, LeadState.Converted,
    ];

    /// <summary>The best match for <paramref name="details"/>: a lead someone works beats one nobody does, more shared keys beat fewer, the newest wins a tie.</summary>
    public async Task<LeadDuplicateLink?> FindAsync(TenantId tenant, LeadId id, LeadDetails details, CancellationToken cancellationToken)
    {
        var policy = options.Value.Duplicates;
        var keys = DuplicateKeys.Of(details, policy);
        if (keys.IsEmpty)
        {
            return null;
        }

        var scope = AccessScope.Manufacturer(tenant);
        (LeadDuplicateLink Link, int Rank, Instant At)? best = null;
        // The store's key index yields only leads sharing a key (ordered by id, as the scan did, so ties
        // resolve the same way); the policy's keys and the ranking below decide which one it is.
        await foreach (var other in leads.FindDuplicateCandidatesAsync(scope, keys, cancellationToken).ConfigureAwait(false))
        {
            if (other.Id == id || !CandidateStates.Contains(other.State))
            {
                continue;
            }

            var shared = keys.SharedWith(DuplicateKeys.Of(other.Details, policy));
            if (shared.Length == 0)
            {
                continue;
            }

            OpportunityId? opportunity = null;
            PartnerId? working = other.State switch
            {
                LeadState.Assigned or LeadState.Accepted => other.AssignedPartner,
                LeadState.PendingApproval => other.RegisteredBy,
                _ => null,
            };
            if (other.State == LeadState.Converted)
            {
                var open = other.ConvertedTo is { } oid ? await opportunities.FindAsync(scope, oid, cancellationToken).ConfigureAwait(false) : null;
                if (open is null || open.IsClosed)
                {
                    continue; // a closed deal is history, not a conflict
                }

                opportunity = open.Id;
                working = open.Partner;
            }

            var rank = ((working is null ? 0 : 1) * 10) + shared.Split(',').Length;
            if (best is null || rank > best.Value.Rank || (rank == best.Value.Rank && other.CapturedAt > best.Value.At))
            {
                best = (new LeadDuplicateLink(other.Id, opportunity, working, shared), rank, other.CapturedAt);
            }
        }

        return best?.Link;
    }
}
