using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.AdapterSupport;

/// <summary>
/// The JSON document form of the stored aggregates and partners, shared by every persistence
/// adapter. Adapters keep the whole snapshot in one document column next to the few columns they
/// index and query, so a field added to <see cref="LeadSnapshot"/> or
/// <see cref="SalesOpportunitySnapshot"/> is persisted without a schema change. Uses the options of
/// <see cref="DomainEventSerializer"/> (camel case, NodaTime ISO formats, exact money) plus
/// converters for the partner model; a <see cref="Partner"/> goes through a dedicated document
/// because its <see cref="BusinessCalendar"/> holds a time zone.
/// </summary>
public static class SnapshotJson
{
    /// <summary>The JSON options used for documents.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    // Opportunity documents are written by hand (same bytes as the serializer; see the writer).
    private static readonly OpportunityJsonWriter Writer = new(Options);

    /// <summary>Serialises a lead snapshot.</summary>
    public static string Serialize(LeadSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return JsonSerializer.Serialize(snapshot, Options);
    }

    /// <summary>Serialises an opportunity snapshot.</summary>
    public static string Serialize(SalesOpportunitySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Writer.ToText(snapshot);
    }

    /// <summary>
    /// Serialises an opportunity snapshot to the UTF-8 bytes of the text <see cref="Serialize(SalesOpportunitySnapshot)"/>
    /// returns (same serializer, same options): adapters that store UTF-8 text bind these bytes
    /// without a string in between.
    /// </summary>
    public static byte[] SerializeToUtf8Bytes(SalesOpportunitySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Writer.ToUtf8Bytes(snapshot);
    }

    /// <summary>Serialises a partner, its calendar included.</summary>
    public static string Serialize(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return JsonSerializer.Serialize(PartnerDocument.From(partner), Options);
    }

    /// <summary>Reads a lead snapshot.</summary>
    /// <exception cref="JsonException">Malformed JSON, a missing required member, or an invalid value; the message names the JSON path.</exception>
    public static LeadSnapshot DeserializeLead(string json) => Read<LeadSnapshot>(json, "Lead");

    /// <summary>Reads an opportunity snapshot.</summary>
    /// <exception cref="JsonException">Malformed JSON, a missing required member, or an invalid value; the message names the JSON path.</exception>
    public static SalesOpportunitySnapshot DeserializeOpportunity(string json) => Read<SalesOpportunitySnapshot>(json, "SalesOpportunity");

    /// <summary>Reads a partner.</summary>
    /// <exception cref="JsonException">Malformed JSON, an unknown time zone, or an invalid value; the message names the JSON path.</exception>
    public static Partner DeserializePartner(string json) => Read<PartnerDocument>(json, "Partner").ToPartner();

    private static T Read<T>(string json, string kind)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"{kind} document is null.");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidInputException or DomainRuleException or InvalidOperationException or FormatException or OverflowException)
        {
            // Value types reject invalid values in their constructors; report them as JSON errors.
            throw new JsonException($"{kind} document holds an invalid value: {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(DomainEventSerializer.Options);
        options.Converters.Add(new CountryCodeConverter());
        options.Converters.Add(new GeoPointConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A country code as its two-letter string.</summary>
    private sealed class CountryCodeConverter : JsonConverter<CountryCode>
    {
        public override CountryCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? throw new JsonException("Country code must be a string."));

        public override void Write(Utf8JsonWriter writer, CountryCode value, JsonSerializerOptions options) => writer.WriteStringValue(value.Code);
    }

    /// <summary>A point as <c>{"latitude":48.1,"longitude":11.5}</c>.</summary>
    private sealed class GeoPointConverter : JsonConverter<GeoPoint>
    {
        public override GeoPoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var dto = JsonSerializer.Deserialize<GeoPointDocument>(ref reader, options) ?? throw new JsonException("Geo point is null.");
            return new GeoPoint(dto.Latitude, dto.Longitude);
        }

        public override void Write(Utf8JsonWriter writer, GeoPoint value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new GeoPointDocument(value.Latitude, value.Longitude), options);
    }

    private sealed record GeoPointDocument(double Latitude, double Longitude);
}
