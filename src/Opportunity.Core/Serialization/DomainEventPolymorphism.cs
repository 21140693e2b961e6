using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Opportunity.Serialization;

/// <summary>
/// Writes a <see cref="DomainEvent"/> held as its base type (an aggregate's pending events) with
/// the members of its concrete type, which System.Text.Json would otherwise drop silently. Writing
/// only: <see cref="DomainEvent.EventType"/> names the type, and events are read through
/// <see cref="DomainEventSerializer"/>. An unregistered event type of your own falls back to the base members.
/// </summary>
internal static class DomainEventPolymorphism
{
    public static void Apply(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type != typeof(DomainEvent))
        {
            return;
        }

        typeInfo.PolymorphismOptions = new JsonPolymorphismOptions
        {
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FallBackToNearestAncestor,
        };
        foreach (var type in DomainEventSerializer.KnownTypes)
        {
            typeInfo.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type));
        }
    }
}
