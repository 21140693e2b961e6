using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Opportunity.Pipelines;
using Opportunity.Serialization;

namespace Opportunity;

/// <summary>
/// Turns domain events into JSON for the outbox and back. The type is stored beside the payload
/// (see <see cref="Persistence.OutboxMessage.Type"/>); every concrete event of this assembly is
/// known, and events of your own are added with <see cref="Register{TEvent}"/>.
/// </summary>
public static class DomainEventSerializer
{
    private static readonly ConcurrentDictionary<string, Type> Types = new(
        typeof(DomainEvent).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsPublic: true } && t.IsSubclassOf(typeof(DomainEvent)))
            .ToDictionary(t => t.Name, t => t),
        StringComparer.Ordinal);

    /// <summary>The JSON options used: camel case, NodaTime ISO formats, the library's value types as strings or numbers.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    // The events every import writes per row are written by hand (same text as the serializer).
    private static readonly OpportunityJsonWriter Writer = new(Options);

    /// <summary>The concrete event types known so far: this assembly's and those registered.</summary>
    internal static IEnumerable<Type> KnownTypes => Types.Values;

    /// <summary>Makes an event type of your own deserialisable by its class name.</summary>
    /// <exception cref="InvalidOperationException">Another type with the same name is registered.</exception>
    public static void Register<TEvent>()
        where TEvent : DomainEvent
    {
        var type = typeof(TEvent);
        var existing = Types.GetOrAdd(type.Name, type);
        if (existing != type)
        {
            throw new InvalidOperationException($"Event type name '{type.Name}' is already registered for {existing.FullName}.");
        }
    }

    /// <summary>Serialises an event (its concrete type's members included).</summary>
    public static string Serialize(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return Writer.ToText(domainEvent) ?? JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), Options);
    }

    /// <summary>Deserialises an event given its type name (<see cref="DomainEvent.EventType"/>).</summary>
    /// <exception cref="JsonException">Unknown type name or malformed JSON.</exception>
    public static DomainEvent Deserialize(string eventType, string json)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(json);
        if (!Types.TryGetValue(eventType, out var type))
        {
            throw new JsonException($"Unknown domain event type '{eventType}'; register it with DomainEventSerializer.Register.");
        }

        return (DomainEvent)(JsonSerializer.Deserialize(json, type, Options)
            ?? throw new JsonException($"Event payload of type '{eventType}' is null."));
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new ValueConverter<TenantId>(s => new TenantId(s)));
        options.Converters.Add(new ValueConverter<PartnerId>(s => new PartnerId(s)));
        options.Converters.Add(new ValueConverter<LeadId>(s => new LeadId(s)));
        options.Converters.Add(new ValueConverter<OpportunityId>(s => new OpportunityId(s)));
        options.Converters.Add(new ValueConverter<CurrencyCode>(s => new CurrencyCode(s)));
        options.Converters.Add(new MoneyJsonConverter());
        options.Converters.Add(new ProbabilityJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A value type written as its ToString() text; an empty string stands for the (unset) default value.</summary>
    private sealed class ValueConverter<T>(Func<string, T> parse) : JsonConverter<T>
        where T : struct
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException($"{typeof(T).Name} must be a string.");
            return text.Length == 0 ? default : parse(text);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    /// <summary>Money as <c>{"amount":"12.50","currency":"EUR"}</c>, the amount as an exact decimal string.</summary>
    private sealed class MoneyJsonConverter : JsonConverter<Money>
    {
        public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? amount = null;
            string? currency = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("Money must be an object with amount and currency.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "amount")
                {
                    amount = reader.GetString();
                }
                else if (name == "currency")
                {
                    currency = reader.GetString();
                }
            }

            if (amount is null || currency is null)
            {
                throw new JsonException("Money needs both amount and currency.");
            }

            return new Money(decimal.Parse(amount, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture), new CurrencyCode(currency));
        }

        public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("amount", value.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("currency", value.Currency.Code);
            writer.WriteEndObject();
        }
    }

    /// <summary>A probability as its basis points (an integer 0..10000).</summary>
    private sealed class ProbabilityJsonConverter : JsonConverter<Probability>
    {
        public override Probability Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Probability.FromBasisPoints(reader.GetInt32());

        public override void Write(Utf8JsonWriter writer, Probability value, JsonSerializerOptions options) => writer.WriteNumberValue(value.BasisPoints);
    }
}
