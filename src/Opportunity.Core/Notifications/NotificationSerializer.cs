using System.Text.Json;

namespace Opportunity.Notifications;

/// <summary>Notifications as outbox payloads: JSON with the library's converters (ids, NodaTime).</summary>
internal static class NotificationSerializer
{
    public static string Serialize(Notification notification) =>
        JsonSerializer.Serialize(notification, DomainEventSerializer.Options);

    /// <exception cref="JsonException">Malformed payload.</exception>
    public static Notification Deserialize(string payload) =>
        JsonSerializer.Deserialize<Notification>(payload, DomainEventSerializer.Options)
            ?? throw new JsonException("Notification payload is null.");
}
