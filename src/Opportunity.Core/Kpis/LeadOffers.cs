using Opportunity.Leads;

namespace Opportunity.Kpis;

/// <summary>Derives <see cref="LeadOffer"/>s from lead events or stored leads.</summary>
public static class LeadOffers
{
    /// <summary>
    /// Replays lead events (any order across leads; per lead by sequence number, duplicates
    /// ignored) into offers. Events are exact: every offer has its offer time and deadline.
    /// </summary>
    public static IReadOnlyList<LeadOffer> FromEvents(IEnumerable<DomainEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var offers = new List<LeadOffer>();
        foreach (var lead in events.Where(e => e.AggregateKind == nameof(Lead)).GroupBy(e => (e.Tenant, e.AggregateId)))
        {
            var id = new LeadId(lead.Key.AggregateId);
            int? current = null;
            int? accepted = null;
            foreach (var e in lead.DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence))
            {
                switch (e)
                {
                    case LeadAssigned assigned:
                        offers.Add(new LeadOffer(id, assigned.Partner, OfferOutcome.Pending) { OfferedAt = e.OccurredAt, Deadline = assigned.AcceptanceDeadline });
                        current = offers.Count - 1;
                        break;
                    case LeadRoutedOn routedOn:
                        // The distributor answered by passing the lead down its tree: its offer counts as taken, the reseller's starts.
                        if (current is { } held)
                        {
                            offers[held] = offers[held] with { Outcome = OfferOutcome.Accepted, RespondedAt = e.OccurredAt };
                        }

                        offers.Add(new LeadOffer(id, routedOn.Partner, OfferOutcome.Pending) { OfferedAt = e.OccurredAt, Deadline = routedOn.AcceptanceDeadline });
                        current = offers.Count - 1;
                        break;
                    case LeadAccepted acceptedEvent:
                        if (current is not { } a || offers[a].Partner != acceptedEvent.Partner)
                        {
                            offers.Add(new LeadOffer(id, acceptedEvent.Partner, OfferOutcome.Pending) { OfferedAt = acceptedEvent.AssignedAt });
                            a = offers.Count - 1;
                        }

                        offers[a] = offers[a] with { Outcome = OfferOutcome.Accepted, RespondedAt = e.OccurredAt };
                        accepted = a;
                        current = null;
                        break;
                    case LeadRejected rejected when current is { } r:
                        offers[r] = offers[r] with { Outcome = OfferOutcome.Rejected, RespondedAt = e.OccurredAt, RejectionReason = rejected.Reason };
                        current = null;
                        break;
                    case LeadRecalled when current is { } x:
                        offers[x] = offers[x] with { Outcome = OfferOutcome.Expired };
                        current = null;
                        break;
                    case LeadConverted converted when accepted is { } c:
                        offers[c] = offers[c] with { ConvertedTo = converted.Opportunity };
                        break;
                    case LeadRecycled:
                        // A new round: the partners of the old one keep their offers, nothing of them is current.
                        current = null;
                        accepted = null;
                        break;
                    case LeadDisqualified:
                        if (current is { } w)
                        {
                            offers[w] = offers[w] with { Outcome = OfferOutcome.Withdrawn };
                            current = null;
                        }
                        else if (accepted is { } d)
                        {
                            offers[d] = offers[d] with { ClosedWithoutOpportunity = true };
                        }

                        break;
                }
            }
        }

        return offers;
    }

    /// <summary>
    /// The offers a stored lead records: each rejection and SLA expiry, and its current offer.
    /// Only the current offer has its offer time and deadline (older ones are not stored), so time
    /// to accept and SLA breaches on answered offers are exact for the accepted offer only.
    /// </summary>
    public static IReadOnlyList<LeadOffer> FromLead(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var offers = new List<LeadOffer>();
        offers.AddRange(lead.Rejections.Select(r => new LeadOffer(lead.Id, r.Partner, OfferOutcome.Rejected) { RespondedAt = r.At, RejectionReason = r.Reason }));
        offers.AddRange(lead.ExpiredPartners.Select(p => new LeadOffer(lead.Id, p, OfferOutcome.Expired)));
        // Acceptances of earlier rounds of a recycled lead: each counts once, for its partner, closed without an opportunity.
        offers.AddRange((lead.Recycling?.Rounds ?? []).Where(r => r.AcceptedBy is not null).Select(r => new LeadOffer(lead.Id, r.AcceptedBy!.Value, OfferOutcome.Accepted)
        {
            OfferedAt = r.AssignedAt,
            RespondedAt = r.AcceptedAt,
            ClosedWithoutOpportunity = true,
        }));
        if (lead.State == LeadState.Offered)
        {
            // A broadcast: every partner still to react holds a pending offer.
            offers.AddRange(lead.PendingPartners.Select(p => new LeadOffer(lead.Id, p, OfferOutcome.Pending) { OfferedAt = lead.AssignedAt, Deadline = lead.AcceptanceDeadline }));
            return offers;
        }

        if (lead.AssignedPartner is not { } partner)
        {
            return offers;
        }

        var current = new LeadOffer(lead.Id, partner, OfferOutcome.Pending) { OfferedAt = lead.AssignedAt, Deadline = lead.AcceptanceDeadline };
        // The current assignment already ended in a rejection or a recall (both recorded above).
        var answered = lead.Rejections.Any(r => r.Partner == partner && r.At >= lead.AssignedAt) || lead.ExpiredPartners.Contains(partner);
        if (lead.AcceptedAt is { } acceptedAt)
        {
            offers.Add(current with
            {
                Outcome = OfferOutcome.Accepted,
                RespondedAt = acceptedAt,
                ConvertedTo = lead.ConvertedTo,
                ClosedWithoutOpportunity = lead.State is LeadState.Disqualified or LeadState.RegistrationExpired,
            });
        }
        else if (lead.State == LeadState.Assigned)
        {
            offers.Add(current);
        }
        else if (lead.State == LeadState.Disqualified && !answered)
        {
            offers.Add(current with { Outcome = OfferOutcome.Withdrawn }); // disqualified while the partner still held the offer
        }

        return offers;
    }
}
