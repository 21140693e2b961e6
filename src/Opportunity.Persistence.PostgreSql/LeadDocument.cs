using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// A lead's document as the PostgreSQL store writes it (since migration 10): <see cref="SnapshotJson"/>'s JSON
/// without what reading rebuilds by itself — derived values (a getter that is neither settable nor a
/// constructor parameter, such as <see cref="LeadQualification.IsComplete"/>, which reading ignores) and the
/// lead's lists and escalation counter while empty or zero, their defaults when absent. PostgreSQL compresses
/// no value of a row under 2 KB, so every byte of the document is paid in each row version; this saves about
/// a seventh of a routed lead's document. Reading is <see cref="SnapshotJson.DeserializeLead"/>, unchanged:
/// documents written before (complete) and after read alike.
/// </summary>
internal static class LeadDocument
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Serialize(LeadSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(SnapshotJson.Options)
        {
            TypeInfoResolver = SnapshotJson.Options.TypeInfoResolver!.WithAddedModifier(LeaveOutDefaults),
        };
        options.MakeReadOnly();
        return options;
    }

    private static void LeaveOutDefaults(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.AssociatedParameter is null)
            {
                property.ShouldSerialize = static (_, _) => false;
            }
            else if (type.Type == typeof(LeadSnapshot))
            {
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
}
