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

    /// <summary>
    /// The best match for <paramref name="details"/> among open leads and open deals: one someone works
    /// beats one nobody does, more shared keys beat fewer, the newest (captured or opened) wins a tie.
    /// </summary>
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
        void Consider(LeadDuplicateLink link, Instant at)
        {
            var rank = ((link.WorkingPartner is null ? 0 : 1) * 10) + link.MatchedOn.Split(',').Length;
            if (best is null || rank > best.Value.Rank || (rank == best.Value.Rank && at > best.Value.At))
            {
                best = (link, rank, at);
            }
        }

        // The store's key index yields only leads sharing a key (ordered by id, as the scan did, so ties
        // resolve the same way); the policy's keys and the ranking decide which one it is.
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

            Consider(new LeadDuplicateLink(other.Id, opportunity, working, shared), other.CapturedAt);
        }

        // Deals carry the customer's keys too (set on conversion, direct open and import): a deal opened
        // without a lead is matched only here; one converted from a lead is the same match as above.
        await foreach (var deal in opportunities.FindByCustomerKeysAsync(scope, keys, cancellationToken).ConfigureAwait(false))
        {
            var shared = deal.IsClosed || deal.CustomerKeys is not { } dealKeys ? string.Empty : keys.SharedWith(dealKeys.SelectedBy(policy));
            if (shared.Length > 0)
            {
                Consider(new LeadDuplicateLink(deal.SourceLead, deal.Id, deal.Partner, shared), deal.CreatedAt);
            }
        }

        return best?.Link;
    }
}
