using Opportunity.Leads;

namespace Opportunity.Notifications;

/// <summary>The built-in templates of leads coming back (docs/routing.md#leads-come-back): the manufacturer's operations inbox hears of each.</summary>
internal static partial class DefaultNotificationTemplates
{
    private static IEnumerable<NotificationTemplate> Recycling =>
    [
        ..Template(nameof(LeadRecycled), NotificationAudience.Operations,
            "Lead {aggregateId} recycled: back in distribution at {returnsAt}",
            "Lead {aggregateId} left {from} and rests in nurture (recycle {recycles}).\n\nReason: {reason}\n\nIt will be routed again at {returnsAt}.",
            "Lead {aggregateId} recycelt: ab {returnsAt} wieder in der Verteilung",
            "Lead {aggregateId} hat {from} verlassen und ruht in der Pflege (Recycling {recycles}).\n\nGrund: {reason}\n\nEr wird am {returnsAt} neu verteilt."),
        ..Template(nameof(LeadRecycledFromDeal), NotificationAudience.Operations,
            "Lost deal {lostDeal} recycled into lead {aggregateId}",
            "The lost deal {lostDeal} became lead {aggregateId}, resting in nurture.\n\nReason: {reason}\n\nIt will be routed at {returnsAt}.",
            "Verlorener Deal {lostDeal} als Lead {aggregateId} recycelt",
            "Der verlorene Deal {lostDeal} wurde zu Lead {aggregateId} und ruht in der Pflege.\n\nGrund: {reason}\n\nEr wird am {returnsAt} verteilt."),
    ];
}
