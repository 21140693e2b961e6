using System.Globalization;
using System.Text.Json;
using NodaTime;
using Opportunity.Persistence;

namespace Opportunity.Notifications;

/// <summary>
/// A domain event as the notification fan-out sees it: its identity and its JSON, read without
/// needing the event's CLR type, so events added later (or by your own code) notify as soon as a
/// template is registered for their type name. <see cref="Fields"/> flattens the JSON for
/// template placeholders: <c>reason</c>, <c>amount.currency</c>, and money objects also as one
/// value (<c>amount</c> → <c>12500.50 EUR</c>).
/// </summary>
public sealed class NotificationEvent
{
    private NotificationEvent(TenantId tenant, string eventId, string eventType, Instant occurredAt, string json, IReadOnlyDictionary<string, string> fields, PartnerId? partner, IReadOnlyList<PartnerId> partners)
    {
        Partners = partners;
        Tenant = tenant;
        EventId = eventId;
        EventType = eventType;
        OccurredAt = occurredAt;
        Json = json;
        Fields = fields;
        Partner = partner;
    }

    /// <summary>The tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>The event's stable id (<see cref="DomainEvent.EventId"/>).</summary>
    public string EventId { get; }

    /// <summary>The event's type name, e.g. <c>LeadAssigned</c>.</summary>
    public string EventType { get; }

    /// <summary>When it happened.</summary>
    public Instant OccurredAt { get; }

    /// <summary>The event as JSON, exactly as written to the outbox.</summary>
    public string Json { get; }

    /// <summary>The JSON's scalar values by path (<c>partner</c>, <c>amount.amount</c>), as text.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The partner the event concerns (its top-level <c>partner</c> field), if any.</summary>
    public PartnerId? Partner { get; }

    /// <summary>
    /// Every partner the event concerns: <see cref="Partner"/>, or else each id of its top-level
    /// <c>partners</c> array (a broadcast offer). The dispatcher notifies the partner audience of each.
    /// </summary>
    public IReadOnlyList<PartnerId> Partners { get; }

    /// <summary>Reads a domain-event outbox message.</summary>
    /// <exception cref="ArgumentException">The message is not a domain event.</exception>
    /// <exception cref="JsonException">The payload is not a JSON object, or its <c>partner</c> field is not a valid id.</exception>
    public static NotificationEvent FromOutbox(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Topic != OutboxMessage.DomainEventTopic)
        {
            throw new ArgumentException($"Outbox message '{message.Id}' has topic '{message.Topic}', not '{OutboxMessage.DomainEventTopic}'.", nameof(message));
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var document = JsonDocument.Parse(message.Payload))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"Domain event '{message.Id}' is not a JSON object.");
            }

            Flatten(document.RootElement, string.Empty, fields);
        }

        var partner = fields.TryGetValue("partner", out var partnerText) ? ReadPartner(message.Id, "partner", partnerText) : (PartnerId?)null;
        var partners = new List<PartnerId>();
        if (partner is { } one)
        {
            partners.Add(one);
        }
        else
        {
            for (var i = 0; fields.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"partners[{i}]"), out var text); i++)
            {
                partners.Add(ReadPartner(message.Id, string.Create(CultureInfo.InvariantCulture, $"partners[{i}]"), text));
            }
        }

        var occurredAt = fields.TryGetValue("occurredAt", out var at) && NodaTime.Text.InstantPattern.ExtendedIso.Parse(at) is { Success: true } parsed
            ? parsed.Value
            : message.CreatedAt;
        return new NotificationEvent(message.Tenant, message.Id, message.Type, occurredAt, message.Payload, fields, partner, partners);
    }

    private static PartnerId ReadPartner(string eventId, string field, string text)
    {
        try
        {
            return new PartnerId(text);
        }
        catch (InvalidTextException e)
        {
            throw new JsonException($"Domain event '{eventId}': field '{field}' is not a partner id: {e.Message}", e);
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string> fields)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
                }

                // Money ({"amount":"12.50","currency":"EUR"}) also reads as one value: "12.50 EUR".
                if (path.Length > 0 && fields.TryGetValue($"{path}.amount", out var amount) && fields.TryGetValue($"{path}.currency", out var currency))
                {
                    fields[path] = $"{amount} {currency}";
                }

                break;
            case JsonValueKind.Array:
                var items = new List<string>();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]");
                    Flatten(item, itemPath, fields);
                    if (fields.TryGetValue(itemPath, out var text))
                    {
                        items.Add(text);
                    }
                }

                fields[path] = string.Join(", ", items);
                break;
            case JsonValueKind.String:
                fields[path] = element.GetString() ?? string.Empty;
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                break;
            default:
                fields[path] = element.GetRawText();
                break;
        }
    }
}
