using System.Buffers;
using System.Text.Json;
using NodaTime.Text;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// The body of every webhook, in the shape the Standard Webhooks specification recommends:
/// <c>{"type":"LeadAssigned","timestamp":"2025-03-03T09:00:00Z","data":{…the domain event…}}</c>.
/// The timestamp is the event's, so the body is identical on every retry.
/// </summary>
internal static class WebhookPayload
{
    public static byte[] Create(Opportunity.Notifications.Notification notification)
    {
        var buffer = new ArrayBufferWriter<byte>(notification.EventJson.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", notification.EventType);
            writer.WriteString("timestamp", InstantPattern.ExtendedIso.Format(notification.EventOccurredAt));
            writer.WritePropertyName("data");
            writer.WriteRawValue(notification.EventJson, skipInputValidation: false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
