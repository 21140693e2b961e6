using NodaTime;

namespace Opportunity.Leads;

// Merging duplicates (docs/routing.md#merging-duplicate-leads): the duplicate ends Merged, pointing to
// the survivor, which lists it; both keep their own history, linked both ways.
public sealed partial class Lead
{
    /// <summary>The lead this one was merged into; null unless <see cref="LeadState.Merged"/>.</summary>
    public LeadId? MergedInto => _s.MergedInto;

    /// <summary>The duplicate leads merged into this one, oldest merge first; read their history under their own ids.</summary>
    public IReadOnlyList<LeadId> MergedLeads => _s.MergedLeads;

    /// <summary>
    /// Merges <paramref name="duplicate"/> into this lead: the duplicate becomes
    /// <see cref="LeadState.Merged"/> (terminal, its timers cleared, <see cref="MergedInto"/> this lead)
    /// and raises <see cref="LeadMerged"/>; this lead adds it to <see cref="MergedLeads"/> and raises
    /// <see cref="LeadDuplicateMerged"/> (naming the fields it filled). This lead's state and partner stay as they are; its details keep
    /// every value they have and take the duplicate's where theirs is empty (<see cref="LeadDetails.FillBlanksFrom"/>),
    /// unless either lead's personal data was erased.
    /// Every check runs before either lead changes. Save both in one transaction
    /// (<see cref="Persistence.ILeadMergeStore"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The leads belong to different tenants, or the reason is empty.</exception>
    /// <exception cref="DomainRuleException">The duplicate is this lead (<see cref="OpportunityErrorCodes.MergeIntoItself"/>), is converted (<see cref="OpportunityErrorCodes.MergeOfConvertedLead"/>), or a partner is offered, works or registered it (<see cref="OpportunityErrorCodes.MergeOfHeldLead"/>).</exception>
    /// <exception cref="InvalidStateTransitionException">This lead is Merged or Disqualified, or the duplicate is Merged already.</exception>
    public void MergeIn(Lead duplicate, string reason, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(duplicate);
        var why = RequireReason(reason, nameof(reason));
        RequireActor(actor);
        if (duplicate.Tenant != Tenant)
        {
            throw new ArgumentException($"Lead '{duplicate.Id}' belongs to another tenant than lead '{Id}'.", nameof(duplicate));
        }

        if (duplicate.Id == Id)
        {
            throw new DomainRuleException(OpportunityErrorCodes.MergeIntoItself, $"Lead '{Id}' cannot be merged into itself.");
        }

        if (State is LeadState.Merged or LeadState.Disqualified)
        {
            throw new InvalidStateTransitionException(nameof(Lead), Id.Value, State.ToString(), $"MergeIn (lead '{duplicate.Id}')");
        }

        switch (duplicate.State)
        {
            case LeadState.Converted:
                throw new DomainRuleException(OpportunityErrorCodes.MergeOfConvertedLead, $"Lead '{duplicate.Id}' was converted into opportunity '{duplicate.ConvertedTo}' and keeps it; merge lead '{Id}' into it instead.");
            case LeadState.Assigned or LeadState.Offered or LeadState.Accepted or LeadState.PendingApproval:
                throw new DomainRuleException(OpportunityErrorCodes.MergeOfHeldLead, $"Lead '{duplicate.Id}' is {duplicate.State} with a partner; recall, reject or decide it before merging it into lead '{Id}'.");
            case LeadState.Merged:
                throw new InvalidStateTransitionException(nameof(Lead), duplicate.Id.Value, duplicate.State.ToString(), $"MergeInto (lead '{Id}')");
        }

        var now = Now(clock);
        var from = duplicate.State;
        duplicate._s = duplicate._s with
        {
            State = LeadState.Merged,
            StateReason = why,
            MergedInto = Id,
            NextDueAt = null,
            AcceptanceDeadline = null,
            Offers = [],
            ClockPause = null,
            LastActivityAt = now,
        };
        duplicate.Raise(new LeadMerged(Id, from, why), now, actor);
        // An erased lead takes no personal data back, and an erased duplicate has none left to give.
        var details = _s.ErasedAt is null && duplicate.ErasedAt is null ? _s.Details.FillBlanksFrom(duplicate.Details) : _s.Details;
        var before = _s.Details;
        _s = _s with { Details = details, MergedLeads = [.. _s.MergedLeads, duplicate.Id] }; // not partner activity: follow-up timers stay
        Raise(new LeadDuplicateMerged(duplicate.Id, why, LeadDetails.FilledFields(before, details)), now, actor);
    }
}
