using Microsoft.Extensions.Logging;
using NodaTime;
using Opportunity.Partners;
using Opportunity.Persistence;

namespace Opportunity.Notifications;

/// <summary>Turns one domain-event outbox message into one outbox message per channel and recipient.</summary>
internal sealed class NotificationFanOut(IPartnerDirectory partners, IReadOnlyList<INotificationChannel> channels, NotificationDispatcherOptions options, ILogger logger)
{
    private static readonly NotificationAudience[] PeopleAudiences =
        [NotificationAudience.Partner, NotificationAudience.ChannelManager, NotificationAudience.Operations];

    /// <exception cref="System.Text.Json.JsonException">The event cannot be read (permanent).</exception>
    public async Task<List<OutboxMessage>> FanOutAsync(OutboxMessage message, Instant now, CancellationToken cancellationToken)
    {
        var notificationEvent = NotificationEvent.FromOutbox(message);
        var messages = new List<OutboxMessage>();
        // One pass per partner concerned (each partner of a broadcast offer hears of it); a channel
        // that does not depend on the partner (a webhook) still gets the event once.
        var seen = channels.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        foreach (var id in notificationEvent.Partners.Count == 0 ? [null] : notificationEvent.Partners.Select(p => (PartnerId?)p))
        {
            var partner = id is { } named ? await partners.FindAsync(notificationEvent.Tenant, named, cancellationToken).ConfigureAwait(false) : null;
            if (id is { } unknown && partner is null)
            {
                NotificationLog.PartnerUnknown(logger, notificationEvent.EventId, unknown.Value);
            }

            var request = new NotificationRecipientRequest(notificationEvent, partner, People(notificationEvent, partner));
            for (var c = 0; c < channels.Count; c++)
            {
                var channel = channels[c];
                var recipients = await channel.ResolveRecipientsAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var recipient in recipients)
                {
                    var notificationId = NotificationId.For(notificationEvent.EventId, channel.Name, recipient.Audience, recipient.Address);
                    if (!seen[c].Add(notificationId))
                    {
                        continue;
                    }

                    // Every audience reads its template when there is one; a person without one is not
                    // written to, a system (chat room, queue, webhook) still gets the event as JSON.
                    var template = options.Templates.Find(notificationEvent.EventType, recipient.Audience, recipient.Language ?? options.DefaultLanguage, options.DefaultLanguage);
                    if (template is null && recipient.IsPerson)
                    {
                        continue;
                    }

                    var content = template?.Render(notificationEvent, recipient, partner);

                    var notification = new Notification(
                        notificationId, notificationEvent.Tenant, channel.Name, notificationEvent.EventId, notificationEvent.EventType,
                        notificationEvent.OccurredAt, recipient, content, notificationEvent.Json);
                    messages.Add(new OutboxMessage(notificationId, notificationEvent.Tenant, channel.Name, notificationEvent.EventType, NotificationSerializer.Serialize(notification), now));
                }
            }
        }

        return messages;
    }

    private List<NotificationRecipient> People(NotificationEvent notificationEvent, Partner? partner)
    {
        var people = new List<NotificationRecipient>();
        foreach (var audience in PeopleAudiences)
        {
            if (!options.Templates.HasTemplate(notificationEvent.EventType, audience))
            {
                continue;
            }

            var (address, name, languages) = audience switch
            {
                NotificationAudience.Partner => (partner?.ContactEmail, partner?.Name, partner?.Languages),
                NotificationAudience.ChannelManager => (partner?.ChannelManagerEmail, null, null),
                _ => (options.OperationsEmail, null, (IReadOnlySet<string>?)null),
            };
            if (string.IsNullOrWhiteSpace(address))
            {
                continue;
            }

            var language = options.Templates.ChooseLanguage(notificationEvent.EventType, audience, languages ?? Enumerable.Empty<string>(), options.DefaultLanguage);
            people.Add(new NotificationRecipient(address, audience, language, name));
        }

        return people;
    }
}
