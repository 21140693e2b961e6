using System.Collections;
using System.Reflection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using Opportunity.Routing;
using static Opportunity.Core.Tests.Routing.RoutingFixtures;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>
/// Builds a populated instance of a type for <see cref="ReturnedTypesSerializationTests"/>: hand-built
/// for the types whose valid values need a real engine or a factory, otherwise through the
/// constructor with the most parameters that accepts generated values, then every still-null
/// settable property is filled.
/// </summary>
internal static class ObjectFactory
{
    private const int MaxDepth = 8;
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 3, 2, 9, 30));
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>Core types a public member returns that are not response bodies, and why.</summary>
    public static readonly Dictionary<Type, string> NotData = new()
    {
        [typeof(OpportunityManagementBuilder)] = "a registration builder",
        [typeof(Opportunity.Persistence.StoreTransaction)] = "a scope over the caller's open database transaction (behaviour, not data)",
        [typeof(RoutingRuleSetBuilder)] = "a builder",
        [typeof(Opportunity.Forecasting.PipelineSnapshotBuilder)] = "a builder",
        [typeof(RoutingRuleSet)] = "routing configuration made of rules (code); its data form is the rules JSON file",
        [typeof(WeightedScorer)] = "a scorer (code) with its weight, part of a rule set",
        // Tuples lose their names and are written as {} by System.Text.Json; these two are helpers whose
        // results a caller takes apart, never a response: FollowUpPolicy.Evaluate (due-work scheduling)
        // and OpportunityImportRules.CheckBatch (for adapter writers). A new returned tuple fails the walk.
        [typeof((int Request, Instant? NextDue))] = "FollowUpPolicy.Evaluate's result, taken apart by the due-work processor",
        [typeof((List<ValidationError> Errors, int Count))] = "OpportunityImportRules.CheckBatch's result, taken apart by store adapters",
        [typeof(ValidationResult<RoutingRuleSet>)] = "a rule file's validation result for the caller to branch on; Value throws when invalid",
        [typeof(RoutingRuleSets)] = "rule sets chosen by the lead (code and conditions); its data form is the rules JSON file",
        [typeof((LeadCondition When, RoutingRuleSet RuleSet))] = "an entry of RoutingRuleSets (code), taken apart by the router",
        [typeof((PartnerId Partner, int Old, int Draft))] = "a line of HistoryReplayReport.ByPartner, printed by Format",
        [typeof(ValidationResult<RoutingRuleSets>)] = "a rules file's validation result for the caller to branch on; Value throws when invalid",
    };

    /// <summary>Framework types that are data (serialized by System.Text.Json or NodaTime's converters).</summary>
    public static readonly HashSet<Type> ForeignData = [typeof(Guid), typeof(TimeSpan), typeof(DateTimeOffset), typeof(DateTime)];

    private static readonly Dictionary<Type, Func<object>> HandBuilt = new()
    {
        // Private constructors and factories: the valid values are made by the type itself.
        [typeof(Probability)] = () => Probability.FromPercent(35),
        [typeof(Money)] = () => new Money(1234.5m, CurrencyCode.EUR),
        [typeof(CurrencyCode)] = () => CurrencyCode.EUR,
        [typeof(CountryCode)] = () => new CountryCode("DE"),
        [typeof(PartnerTier)] = () => PartnerTier.Gold,
        [typeof(PipelineDefinition)] = () => PipelineDefinition.Default,
        [typeof(Opportunity.Forecasting.ForecastHierarchyLevel)] = () => Opportunity.Forecasting.ForecastHierarchyLevel.Region,
        [typeof(Opportunity.Forecasting.ForecastHierarchy)] = () => Tree(),
        [typeof(Opportunity.Forecasting.ForecastHierarchyRollup)] = () => Rollup(),
        [typeof(Opportunity.Forecasting.ForecastNodeRollup)] = () => Rollup()["network"],
        [typeof(Opportunity.Forecasting.ForecastNodeAttainment)] = () => Rollup().Attainment(new Opportunity.Forecasting.SalesTarget(Opportunity.Forecasting.FiscalCalendar.CalendarYear.Quarter(2026, 1), new Money(5_000m, CurrencyCode.EUR))),
        [typeof(Opportunity.Workflows.EscalationLadder)] = () => Opportunity.Workflows.EscalationLadder.Default, // the last enum value (NotifyDistributor) is no valid last step
        [typeof(Stage)] = () => PipelineDefinition.Default.Stages[2],
        [typeof(BusinessCalendar)] = () => BusinessCalendar.WeekdaysNineToFive(Berlin).WithHolidays([new LocalDate(2026, 12, 25)]),
        [typeof(DateTimeZone)] = () => Berlin,
        [typeof(Opportunity.Notifications.NotificationTemplate)] = () => new Opportunity.Notifications.NotificationTemplate("LeadAssigned", Opportunity.Notifications.NotificationAudience.Partner, "en", "New lead", "A lead was assigned to you.", "<p>A lead was assigned to you.</p>"),
        // Aggregates are created by their lifecycle, with a pending event to show.
        [typeof(Lead)] = () => Lead.Capture(Tenant, new LeadId("L-1"), Create<LeadDetails>(), "web-form", Clock),
        [typeof(SalesOpportunity)] = () => SalesOpportunity.Open(Tenant, new OpportunityId("O-1"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(2500m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)) { SourceLead = new LeadId("L-1") },
            PipelineDefinition.Default, "u", Clock),
        // A routing decision and its trace only come out of routing.
        [typeof(RoutingDecision)] = Route,
        [typeof(RoutingTrace)] = () => Route().Trace,
    };

    public static T Create<T>() => (T)Create(typeof(T))!;

    public static object? Create(Type type) => Create(type, 0);

    private static Opportunity.Forecasting.ForecastHierarchy Tree() =>
        Opportunity.Forecasting.ForecastHierarchy.Default([new Partner(new TenantId("acme"), new PartnerId("P1"), "Alpha", PartnerTier.Gold) { ChannelManagerEmail = "anna@acme.example" }]);

    private static Opportunity.Forecasting.ForecastHierarchyRollup Rollup() =>
        Opportunity.Forecasting.ForecastHierarchyRollup.Compute(
            Opportunity.Forecasting.PipelineSnapshot.FromRows([new Opportunity.Forecasting.PipelineRow(new PartnerId("P1"), new Money(2_000m, CurrencyCode.EUR), "Negotiation", Probability.FromPercent(60), ForecastCategory.Commit, new LocalDate(2026, 2, 1)) { Region = "EMEA" }]),
            Tree(),
            Opportunity.Forecasting.FiscalCalendar.CalendarYear.Quarter(2026, 1),
            CurrencyCode.EUR);

    private static object? Create(Type type, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"{type} nests deeper than {MaxDepth}.");
        }

        if (HandBuilt.TryGetValue(type, out var build))
        {
            return build();
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying, depth);
        }

        if (Primitive(type) is { } primitive)
        {
            return primitive;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(values.Length - 1);
        }

        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Create(type.GetElementType()!, depth + 1), 0);
            return array;
        }

        if (type.IsGenericType && Collection(type, depth) is { } collection)
        {
            return collection;
        }

        // A delegate's public constructor takes a raw method pointer: one made up here would crash
        // the process when called (the partner key of a forecast level). Delegates are not data.
        if (typeof(Delegate).IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"{type} is a delegate; no valid one can be built by reflection.");
        }

        return Construct(type, depth);
    }

    private static object? Primitive(Type type) => type switch
    {
        _ when type == typeof(string) => "x1",
        _ when type == typeof(bool) => true,
        _ when type == typeof(int) => 3,
        _ when type == typeof(long) => 3L,
        _ when type == typeof(short) => (short)3,
        _ when type == typeof(byte) => (byte)3,
        _ when type == typeof(double) => 0.5,
        _ when type == typeof(float) => 0.5f,
        _ when type == typeof(decimal) => 1.5m,
        _ when type == typeof(Int128) => (Int128)12_345,
        _ when type == typeof(Guid) => Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        _ when type == typeof(TimeSpan) => TimeSpan.FromMinutes(5),
        _ when type == typeof(Instant) => Clock.GetCurrentInstant(),
        _ when type == typeof(LocalDate) => new LocalDate(2026, 6, 30),
        _ when type == typeof(LocalTime) => new LocalTime(9, 0),
        _ when type == typeof(LocalDateTime) => new LocalDateTime(2026, 6, 30, 9, 0),
        _ when type == typeof(Duration) => Duration.FromHours(4),
        _ when type == typeof(Period) => Period.FromDays(3),
        _ when type == typeof(Interval) => new Interval(Clock.GetCurrentInstant(), Clock.GetCurrentInstant() + Duration.FromDays(1)),
        _ when type == typeof(DateInterval) => new DateInterval(new LocalDate(2026, 1, 1), new LocalDate(2026, 3, 31)),
        _ when type == typeof(YearMonth) => new YearMonth(2026, 3),
        _ when type == typeof(Offset) => Offset.FromHours(1),
        _ when type == typeof(ZonedDateTime) => Clock.GetCurrentInstant().InZone(Berlin),
        _ => null,
    };

    private static object? Collection(Type type, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
            dictionary.Add(Create(args[0], depth + 1)!, Create(args[1], depth + 1));
            return dictionary;
        }

        if (definition == typeof(IReadOnlySet<>) || definition == typeof(ISet<>) || definition == typeof(HashSet<>))
        {
            var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(args))!;
            set.GetType().GetMethod("Add")!.Invoke(set, [Create(args[0], depth + 1)]);
            return set;
        }

        if (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
            || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args))!;
            list.Add(Create(args[0], depth + 1));
            return list;
        }

        if (definition == typeof(ArraySegment<>))
        {
            var array = Array.CreateInstance(args[0], 1);
            array.SetValue(Create(args[0], depth + 1), 0);
            return Activator.CreateInstance(type, array);
        }

        return null;
    }

    /// <summary>Public constructors first, most parameters first, then public static factories, then non-public constructors.</summary>
    private static object Construct(Type type, int depth)
    {
        var instanceFlags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var attempts = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public).OrderByDescending(c => c.GetParameters().Length).Cast<MethodBase>()
            .Concat(type.GetMethods(BindingFlags.Static | BindingFlags.Public).Where(m => m.ReturnType == type && !m.IsSpecialName && !m.ContainsGenericParameters))
            .Concat(type.GetConstructors(instanceFlags).Where(c => !c.IsPublic).OrderByDescending(c => c.GetParameters().Length))
            .Where(m => !m.GetParameters().Any(p => p.ParameterType.IsByRef || p.ParameterType.IsPointer || p.ParameterType == type));
        var errors = new List<string>();
        foreach (var method in attempts)
        {
            try
            {
                var args = method.GetParameters().Select(p => Create(p.ParameterType, depth + 1)).ToArray();
                var instance = method is ConstructorInfo constructor ? constructor.Invoke(args) : method.Invoke(null, args)!;
                return Fill(instance, depth);
            }
            catch (Exception ex)
            {
                errors.Add($"{method}: {ex.GetBaseException().Message}");
            }
        }

        if (type.IsValueType)
        {
            return Activator.CreateInstance(type)!;
        }

        throw new InvalidOperationException($"No way to build {type}: {string.Join("; ", errors)}");
    }

    /// <summary>Sets every settable property still null or default, so optional parts are written too.</summary>
    private static object Fill(object instance, int depth)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 && IsUnset(property.PropertyType, property.GetValue(instance)))
            {
                try
                {
                    property.SetValue(instance, Create(property.PropertyType, depth + 1));
                }
                catch (Exception ex) when (ex is TargetInvocationException or ArgumentException or InvalidOperationException)
                {
                    // A value the property refuses (it depends on others); it stays unset.
                }
            }
        }

        return instance;
    }

    private static bool IsUnset(Type type, object? value) =>
        value is null || (type.IsValueType && Nullable.GetUnderlyingType(type) is null && value.Equals(Activator.CreateInstance(type)));

    private static RoutingDecision Route()
    {
        var rules = RoutingRuleSet.Create("sample").Version("v1").InTerritory().ActiveOnly().ScoreByTier(0.5).PickHighestScore().Build();
        return rules.Route(Request(), Network(Partner("P-1"), Partner("P-fr", country: "FR")));
    }
}
