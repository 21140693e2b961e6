using Opportunity.Leads;

namespace Opportunity.Notifications;

/// <summary>The built-in templates of two-tier distribution (docs/channel.md, "Two tiers").</summary>
internal static partial class DefaultNotificationTemplates
{
    private static IEnumerable<NotificationTemplate> Tiers =>
    [
        ..Template(nameof(LeadRoutedOn), NotificationAudience.Partner,
            "New lead {aggregateId} from your distributor: please accept by {acceptanceDeadline}",
            "Hello {partnerName},\n\nyour distributor {distributor} has passed lead {aggregateId} on to you. Please accept or reject it by {acceptanceDeadline}.",
            "Neuer Lead {aggregateId} von Ihrem Distributor: bitte bis {acceptanceDeadline} annehmen",
            "Hallo {partnerName},\n\nIhr Distributor {distributor} hat den Lead {aggregateId} an Sie weitergegeben. Bitte nehmen Sie ihn bis {acceptanceDeadline} an oder lehnen Sie ihn ab."),
        ..Template(nameof(LeadEscalatedToDistributor), NotificationAudience.Partner,
            "Your reseller {reseller} has not reacted to lead {aggregateId}",
            "Hello {partnerName},\n\nyour reseller {reseller} has not accepted or rejected lead {aggregateId}. It will be taken back at {acceptanceDeadline}; please follow up with the reseller.",
            "Ihr Reseller {reseller} hat nicht auf Lead {aggregateId} reagiert",
            "Hallo {partnerName},\n\nIhr Reseller {reseller} hat den Lead {aggregateId} weder angenommen noch abgelehnt. Er wird am {acceptanceDeadline} zurückgenommen; bitte fassen Sie beim Reseller nach."),
    ];
}
