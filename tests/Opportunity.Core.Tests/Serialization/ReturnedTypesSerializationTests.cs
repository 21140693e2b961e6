using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Pipelines;
using Opportunity.Routing;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>
/// Every type a public member of Opportunity.Core returns (workflow services, store ports, engines,
/// and transitively the properties, generic arguments and elements of what they return) is built as
/// a populated instance and serialized under ASP.NET Core's web defaults plus
/// <c>ConfigureForOpportunity</c>: no exception (a cycle is one), and no <c>{}</c> anywhere, which is
/// how System.Text.Json loses a value it cannot see (an Instant without converter, a tuple).
/// A new returned type that cannot be built or serialized fails here.
/// </summary>
public sealed class ReturnedTypesSerializationTests(ITestOutputHelper output)
{
    private static readonly Assembly Core = typeof(LeadId).Assembly;
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 3, 2, 9, 30));

    private static readonly HashSet<string> ObjectMembers = ["ToString", "Equals", "GetHashCode", "GetType", "Deconstruct", "<Clone>$", "CompareTo"];

    [Fact]
    public void Serialize_EveryReturnedType_WritesDataWithoutExceptionOrEmptyObject()
    {
        var (data, skipped) = Walk();
        var failures = new List<string>();

        foreach (var type in data.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            object? instance;
            try
            {
                instance = ObjectFactory.Create(type);
            }
            catch (Exception ex)
            {
                failures.Add($"{type}: cannot build a populated instance ({ex.GetBaseException().Message}); add one to {nameof(ObjectFactory)}.");
                continue;
            }

            try
            {
                var json = JsonSerializer.Serialize(instance, type, ConfigureForOpportunityTests.Web);
                // Only the root: a nested {} may be an empty dictionary, and every nested type is checked at its own root.
                if (JsonNode.Parse(json) is JsonObject { Count: 0 })
                {
                    failures.Add($"{type}: writes {{}}, losing its data silently.");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{type}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        output.WriteLine($"{data.Count} data types serialized; {skipped.Count} returned types skipped:");
        foreach (var (type, reason) in skipped.OrderBy(s => s.Key.FullName, StringComparer.Ordinal))
        {
            output.WriteLine($"  {type}: {reason}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // The walk itself must reach what the workflows, stores and engines return.
        Assert.Contains(typeof(SalesOpportunity), data);
        Assert.Contains(typeof(Lead), data);
        Assert.Contains(typeof(PartnerLeadView), data);
        Assert.Contains(typeof(RoutingDecision), data);
        Assert.Contains(typeof(Opportunity.Persistence.RoutingDecisionRecord), data);
        Assert.Contains(typeof(Opportunity.Forecasting.PipelineSnapshot), data);
        Assert.Contains(typeof(Opportunity.Forecasting.Forecast), data);
        Assert.Contains(typeof(Opportunity.Kpis.PartnerKpiReport), data);
        Assert.Contains(typeof(Probability), data);
        Assert.Contains(typeof(Instant), data);
        Assert.Contains(typeof(DateTimeZone), data);
        Assert.Contains(typeof(LeadCaptured), data);
        Assert.DoesNotContain(typeof(IClock), data);
        Assert.DoesNotContain(typeof(DomainEvent), data);
        Assert.NotEmpty(skipped);
    }

    [Fact]
    public void Serialize_LeadWithPendingEvents_WritesTheConcreteEventMembers()
    {
        var lead = ObjectFactory.Create<Lead>();

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(lead, ConfigureForOpportunityTests.Web));
        var captured = document.RootElement.GetProperty("pendingEvents")[0];

        Assert.Equal(nameof(LeadCaptured), captured.GetProperty("eventType").GetString());
        Assert.Equal(((LeadCaptured)lead.PendingEvents[0]).Source, captured.GetProperty("source").GetString());
        Assert.Equal("L-1", captured.GetProperty("aggregateId").GetString());
    }

    [Fact]
    public void Serialize_PartnerCalendar_WritesItsWeeklyHours()
    {
        var partner = new Partner(Tenant, new PartnerId("p1"), "North", PartnerTier.Gold)
        {
            Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb["Europe/Berlin"])
                .WithOverride(new LocalDate(2026, 12, 24), [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))]),
        };

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(partner, ConfigureForOpportunityTests.Web));
        var calendar = document.RootElement.GetProperty("calendar");

        Assert.Equal("Europe/Berlin", calendar.GetProperty("zone").GetString());
        Assert.Equal("09:00:00", calendar.GetProperty("weeklyHours").GetProperty("Monday")[0].GetProperty("start").GetString());
        Assert.False(calendar.GetProperty("weeklyHours").TryGetProperty("Sunday", out _));
        Assert.Equal("12:00:00", calendar.GetProperty("overrides").GetProperty("2026-12-24")[0].GetProperty("end").GetString());
    }

    /// <summary>Data types reached from every public member's return type, and the non-data types skipped (with why).</summary>
    private static (HashSet<Type> Data, Dictionary<Type, string> Skipped) Walk()
    {
        var data = new HashSet<Type>();
        var skipped = new Dictionary<Type, string>();
        var queue = new Queue<Type>();

        foreach (var type in Core.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!method.IsSpecialName && !ObjectMembers.Contains(method.Name))
                {
                    queue.Enqueue(method.ReturnType);
                }
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                queue.Enqueue(property.PropertyType);
            }
        }

        while (queue.TryDequeue(out var type))
        {
            foreach (var candidate in Unwrap(type))
            {
                if (data.Contains(candidate) || skipped.ContainsKey(candidate))
                {
                    continue;
                }

                if (NotData(candidate) is { } reason)
                {
                    skipped[candidate] = reason;
                    continue;
                }

                if (candidate.IsAbstract && !candidate.IsInterface && candidate.Assembly == Core)
                {
                    // Written through its concrete types (see DomainEventPolymorphism), each walked below.
                    foreach (var derived in Core.GetExportedTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(candidate)))
                    {
                        queue.Enqueue(derived);
                    }

                    skipped[candidate] = "abstract: each concrete type is serialized instead";
                    continue;
                }

                data.Add(candidate);
                if (candidate.Assembly != Core)
                {
                    continue;
                }

                // What the serializer sees: public instance properties; and the concrete types of an abstract one.
                foreach (var property in candidate.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetIndexParameters().Length == 0)
                    {
                        queue.Enqueue(property.PropertyType);
                    }
                }

            }
        }

        return (data, skipped);
    }

    /// <summary>The types a value of <paramref name="type"/> carries: itself, or its elements, awaited result, underlying type.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsGenericParameter || type == typeof(void) || type.IsByRef || type.IsPointer)
        {
            yield break;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            yield return underlying;
            yield break;
        }

        if (type.IsArray)
        {
            foreach (var t in Unwrap(type.GetElementType()!))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Task<>) || definition == typeof(ValueTask<>) || definition == typeof(IAsyncEnumerable<>)
                || definition == typeof(KeyValuePair<,>) || definition == typeof(ArraySegment<>)
                || (type.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) ?? false)))
        {
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var t in Unwrap(argument))
                {
                    yield return t;
                }
            }

            yield break;
        }

        if (type == typeof(Task) || type == typeof(ValueTask))
        {
            yield break;
        }

        if (type.IsGenericType && type.Assembly == Core)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var t in Unwrap(argument))
                {
                    yield return t;
                }
            }

            if (type.ContainsGenericParameters)
            {
                yield break;
            }
        }

        yield return type;
    }

    /// <summary>Why a returned type is not a response body, or null when it is data and must serialize.</summary>
    private static string? NotData(Type type)
    {
        if (typeof(Exception).IsAssignableFrom(type))
        {
            return "an exception: mapped to a problem response, not serialized";
        }

        if (typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type))
        {
            return "code, not data";
        }

        if (type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(Int128) || type == typeof(object))
        {
            return null;
        }

        if (type.Assembly == Core)
        {
            if (type.IsInterface)
            {
                return "a port or extension point: behaviour, implemented by the caller or an adapter";
            }

            if (type.GetInterfaces().FirstOrDefault(i => i.Assembly == Core) is { } port)
            {
                return $"implements {port.Name}: behaviour, not data";
            }

            return ObjectFactory.NotData.TryGetValue(type, out var reason) ? reason : null;
        }

        if (type.Namespace == "NodaTime" && !type.IsInterface)
        {
            return null;
        }

        if (type.Namespace == "System" && type.Name.Contains("Tuple", StringComparison.Ordinal))
        {
            // Data, written as {} by System.Text.Json (it has fields): a returned tuple fails here unless exempted.
            return ObjectFactory.NotData.GetValueOrDefault(type);
        }

        return ObjectFactory.ForeignData.Contains(type) ? null : $"a framework type ({type.Namespace}) used for configuration or plumbing";
    }
}
