using Opportunity.Leads;

namespace Opportunity.Notifications;

/// <summary>
/// The built-in templates (English and German). Events of the workflows that may not exist in
/// this assembly (reminders, escalations, follow-ups) are registered by type name and use only
/// context placeholders, so they work for any event that carries a <c>partner</c> field.
/// </summary>
internal static partial class DefaultNotificationTemplates
{
    private const string FooterEn = "This message was sent automatically by the partner lead management.";
    private const string FooterDe = "Diese Nachricht wurde automatisch vom Partner-Lead-Management versendet.";

    public static IEnumerable<NotificationTemplate> All =>
    [
        ..Template(nameof(LeadAssigned), NotificationAudience.Partner,
            "New lead {aggregateId}: please accept by {acceptanceDeadline}",
            "Hello {partnerName},\n\na new lead ({aggregateId}) has been assigned to you. Please accept or decline it by {acceptanceDeadline}; after that it may be offered to another partner.",
            "Neuer Lead {aggregateId}: bitte bis {acceptanceDeadline} annehmen",
            "Hallo {partnerName},\n\nIhnen wurde ein neuer Lead ({aggregateId}) zugewiesen. Bitte nehmen Sie ihn bis {acceptanceDeadline} an oder lehnen Sie ihn ab; danach kann er einem anderen Partner angeboten werden."),
        ..Template(nameof(LeadOffered), NotificationAudience.Partner,
            "Lead {aggregateId} offered to you: the first partner to accept by {acceptanceDeadline} gets it",
            "Hello {partnerName},\n\nlead {aggregateId} has been offered to you and to other partners. The first partner to accept it by {acceptanceDeadline} gets it; please accept or decline it.",
            "Lead {aggregateId} angeboten: wer ihn bis {acceptanceDeadline} zuerst annimmt, erhält ihn",
            "Hallo {partnerName},\n\nLead {aggregateId} wurde Ihnen und weiteren Partnern angeboten. Der Partner, der ihn bis {acceptanceDeadline} zuerst annimmt, erhält ihn; bitte nehmen Sie ihn an oder lehnen Sie ihn ab."),
        ..Template(nameof(LeadRecalled), NotificationAudience.Partner,
            "Lead {aggregateId} has been withdrawn",
            "Hello {partnerName},\n\nlead {aggregateId} was not accepted within the agreed time and has been withdrawn from you.",
            "Lead {aggregateId} wurde zurückgezogen",
            "Hallo {partnerName},\n\nLead {aggregateId} wurde nicht in der vereinbarten Zeit angenommen und Ihnen wieder entzogen."),
        ..Template(nameof(LeadRecalled), NotificationAudience.ChannelManager,
            "{partnerName} did not accept lead {aggregateId} in time",
            "{partnerName} let the acceptance deadline of lead {aggregateId} pass. The lead was recalled and will be routed again.",
            "{partnerName} hat Lead {aggregateId} nicht rechtzeitig angenommen",
            "{partnerName} hat die Annahmefrist für Lead {aggregateId} verstreichen lassen. Der Lead wurde zurückgeholt und wird neu verteilt."),
        ..Template(nameof(LeadRejected), NotificationAudience.ChannelManager,
            "{partnerName} rejected lead {aggregateId}",
            "{partnerName} rejected lead {aggregateId}.\n\nReason: {reason}\n\nThe lead will be routed again without this partner.",
            "{partnerName} hat Lead {aggregateId} abgelehnt",
            "{partnerName} hat Lead {aggregateId} abgelehnt.\n\nGrund: {reason}\n\nDer Lead wird ohne diesen Partner neu verteilt."),
        ..Template(nameof(LeadConverted), NotificationAudience.ChannelManager,
            "{partnerName} converted lead {aggregateId}",
            "{partnerName} converted lead {aggregateId} into opportunity {opportunity}.",
            "{partnerName} hat Lead {aggregateId} umgewandelt",
            "{partnerName} hat Lead {aggregateId} in die Verkaufschance {opportunity} umgewandelt."),
        ..Template(nameof(LeadUnroutable), NotificationAudience.Operations,
            "Lead {aggregateId} could not be routed",
            "No partner matched lead {aggregateId}; it is waiting in the manufacturer's queue.\n\nReason: {reason}",
            "Lead {aggregateId} konnte nicht verteilt werden",
            "Kein Partner passte zu Lead {aggregateId}; er wartet in der Warteschlange des Herstellers.\n\nGrund: {reason}"),
        ..Template("AcceptanceReminderDue", NotificationAudience.Partner,
            "Reminder: lead {aggregateId} is waiting for your answer",
            "Hello {partnerName},\n\nlead {aggregateId} is still waiting for you to accept or decline it. Please answer soon; otherwise it will be offered to another partner.",
            "Erinnerung: Lead {aggregateId} wartet auf Ihre Antwort",
            "Hallo {partnerName},\n\nLead {aggregateId} wartet noch auf Ihre Annahme oder Ablehnung. Bitte antworten Sie bald; sonst wird er einem anderen Partner angeboten."),
        ..Template("LeadEscalated", NotificationAudience.ChannelManager,
            "Escalation: {partnerName} has not reacted to lead {aggregateId}",
            "{partnerName} has not reacted to lead {aggregateId} within the agreed time. Please get in touch with the partner.",
            "Eskalation: {partnerName} hat auf Lead {aggregateId} nicht reagiert",
            "{partnerName} hat in der vereinbarten Zeit nicht auf Lead {aggregateId} reagiert. Bitte nehmen Sie Kontakt mit dem Partner auf."),
        ..Template("FollowUpRequested", NotificationAudience.Partner,
            "Follow-up due for {aggregateKind} {aggregateId}",
            "Hello {partnerName},\n\n{aggregateKind} {aggregateId} has had no recorded activity for a while. Please follow up with the customer and record what happened.",
            "Nachfassen fällig: {aggregateKind} {aggregateId}",
            "Hallo {partnerName},\n\nbei {aggregateKind} {aggregateId} wurde seit einiger Zeit keine Aktivität erfasst. Bitte fassen Sie beim Kunden nach und erfassen Sie das Ergebnis."),
        ..Registrations,
        ..Tiers,
        ..Recycling,
    ];

    private static IEnumerable<NotificationTemplate> Template(string eventType, NotificationAudience audience, string subjectEn, string textEn, string subjectDe, string textDe) =>
    [
        new NotificationTemplate(eventType, audience, "en", subjectEn, $"{textEn}\n\n{FooterEn}", Html($"{textEn}\n\n{FooterEn}")),
        new NotificationTemplate(eventType, audience, "de", subjectDe, $"{textDe}\n\n{FooterDe}", Html($"{textDe}\n\n{FooterDe}")),
    ];

    /// <summary>Paragraphs of plain text as HTML; placeholders pass through (their values are encoded when rendered).</summary>
    private static string Html(string text) =>
        string.Concat(text.Split("\n\n").Select(p => $"<p>{TemplateText.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal)}</p>"));
}
