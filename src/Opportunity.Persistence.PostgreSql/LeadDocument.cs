using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// A lead's document as the PostgreSQL store writes it: <see cref="SnapshotJson"/>'s JSON without what
/// reading rebuilds by itself. Since migration 10: derived values (a getter that is neither settable nor a
/// constructor parameter, such as <see cref="LeadQualification.IsComplete"/>, which reading ignores) and the
/// lead's lists and escalation counter while empty or zero, their defaults when absent. Since migration 14:
/// the values the row holds in its own columns — id, tenant, state, assigned partner and version — which
/// <see cref="Read"/> takes from the columns, and the qualification of most leads as one word
/// (<see cref="QualificationConverter"/>). PostgreSQL compresses no value of a row under 2 KB, so every
/// byte of the document is paid in each row version. Documents written before (complete) read alike: their
/// copies of the column values are read, checked, and replaced by the columns, which the store has always
/// written in the same statement as the document.
/// </summary>
internal static class LeadDocument
{
    private static readonly JsonSerializerOptions WriteOptions = CreateOptions(LeaveOutDefaultsAndColumns);
    private static readonly JsonSerializerOptions ReadOptions = CreateOptions(ColumnsNotRequired);

    public static string Serialize(LeadSnapshot snapshot) => JsonSerializer.Serialize(snapshot, WriteOptions);

    /// <summary>
    /// The stored lead of a row: its document, with the values of its columns. An unreadable document or an
    /// unknown state (e.g. written by a newer version) is a <see cref="StoreDataException"/> naming the lead.
    /// </summary>
    public static LeadSnapshot Read(LeadColumns columns, string json)
    {
        var id = columns.Id;
        var snapshot = StoredValues.ReadDocument(nameof(Lead), id, json, static text => JsonSerializer.Deserialize<LeadSnapshot>(text, ReadOptions) ?? throw new JsonException("Lead document is null."));
        // Only a state's own name: TryParse alone also takes numbers and comma-separated lists.
        var state = Enum.TryParse<LeadState>(columns.State, ignoreCase: false, out var parsed) && parsed.ToString() == columns.State
            ? parsed
            : throw new StoreDataException(nameof(Lead), id, nameof(LeadSnapshot.State), $"Unknown lead state '{columns.State}'.");
        return StoredValues.Rebuild(nameof(Lead), id, () => snapshot with
        {
            Id = new LeadId(id),
            Tenant = new TenantId(columns.Tenant),
            State = state,
            AssignedPartner = columns.AssignedPartner is { } partner ? new PartnerId(partner) : null,
            Version = columns.Version,
        });
    }

    private static JsonSerializerOptions CreateOptions(Action<JsonTypeInfo> modifier)
    {
        var options = new JsonSerializerOptions(SnapshotJson.Options)
        {
            TypeInfoResolver = SnapshotJson.Options.TypeInfoResolver!.WithAddedModifier(modifier),
        };
        options.Converters.Add(new QualificationConverter());
        options.MakeReadOnly();
        return options;
    }

    private static bool IsColumn(JsonPropertyInfo property) =>
        (property.AttributeProvider as MemberInfo)?.Name is nameof(LeadSnapshot.Id) or nameof(LeadSnapshot.Tenant) or nameof(LeadSnapshot.State)
            or nameof(LeadSnapshot.AssignedPartner) or nameof(LeadSnapshot.Version);

    private static void LeaveOutDefaultsAndColumns(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.AssociatedParameter is null)
            {
                property.ShouldSerialize = static (_, _) => false;
            }
            else if (type.Type == typeof(LeadSnapshot))
            {
                if (IsColumn(property))
                {
                    property.ShouldSerialize = static (_, _) => false;
                    continue;
                }

                switch ((property.AttributeProvider as MemberInfo)?.Name)
                {
                    case nameof(LeadSnapshot.Offers) or nameof(LeadSnapshot.Rejections) or nameof(LeadSnapshot.ExpiredPartners):
                        property.ShouldSerialize = static (_, value) => value is not ICollection { Count: 0 };
                        break;
                    case nameof(LeadSnapshot.EscalationStepsFired):
                        property.ShouldSerialize = static (_, value) => value is not 0;
                        break;
                }
            }
        }
    }

    // The column values may be absent from the document (they are replaced by the columns anyway).
    private static void ColumnsNotRequired(JsonTypeInfo type)
    {
        if (type.Type != typeof(LeadSnapshot))
        {
            return;
        }

        foreach (var property in type.Properties.Where(IsColumn))
        {
            property.IsRequired = false;
        }
    }
}

/// <summary>
/// A lead's qualification in its stored document since migration 14: <c>true</c> when all four criteria are
/// confirmed (every routed lead), <c>false</c> when none is, else <see cref="SnapshotJson"/>'s object of the four
/// flags, which is also how every earlier document holds it — about 100 bytes less for most leads.
/// </summary>
internal sealed class QualificationConverter : JsonConverter<LeadQualification>
{
    public override LeadQualification Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => LeadQualification.Full,
        JsonTokenType.False => LeadQualification.None,
        _ => JsonSerializer.Deserialize<LeadQualification>(ref reader, SnapshotJson.Options) ?? throw new JsonException("Lead qualification is null."),
    };

    public override void Write(Utf8JsonWriter writer, LeadQualification value, JsonSerializerOptions options)
    {
        if (value == LeadQualification.Full || value == LeadQualification.None)
        {
            writer.WriteBooleanValue(value == LeadQualification.Full);
            return;
        }

        // The settable flags only, as LeadDocument leaves out the derived IsComplete and Missing.
        writer.WriteStartObject();
        writer.WriteBoolean(JsonName(nameof(LeadQualification.NeedConfirmed), options), value.NeedConfirmed);
        writer.WriteBoolean(JsonName(nameof(LeadQualification.BudgetConfirmed), options), value.BudgetConfirmed);
        writer.WriteBoolean(JsonName(nameof(LeadQualification.AuthorityConfirmed), options), value.AuthorityConfirmed);
        writer.WriteBoolean(JsonName(nameof(LeadQualification.TimingConfirmed), options), value.TimingConfirmed);
        writer.WriteEndObject();
    }

    private static string JsonName(string property, JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}

/// <summary>The columns of a <c>leads</c> row that <see cref="LeadDocument.Read"/> puts into the lead.</summary>
internal readonly record struct LeadColumns(string Tenant, string Id, long Version, string State, string? AssignedPartner);
