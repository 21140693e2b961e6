using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Extending;
using Opportunity;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using Opportunity.Routing.Json;

// 1. A custom routing rule, in code and from JSON.
var tenant = new TenantId("acme");
Partner Dealer(string id) => new(tenant, new PartnerId(id), $"Dealer {id}", PartnerTier.Gold)
{
    Territories = [new Territory(new CountryCode("DE"))],
    ContactEmail = $"sales@{id.ToLowerInvariant()}.example",
};
var network = RoutingNetwork.Build([Dealer("D1"), Dealer("D2")]);
var reserved = new Dictionary<string, PartnerId> { ["Big Customer AG"] = new PartnerId("D2") };

var inCode = RoutingRuleSet.Create("key-accounts")
    .InTerritory()
    .Filter(new ExclusiveAccountsRule(reserved))
    .PickHighestScore()
    .Build();

var catalog = new RoutingRuleCatalog().AddFilter("exclusiveAccounts", _ => new ExclusiveAccountsRule(reserved));
var fromJson = RoutingRuleSet.FromJson("""
    { "name": "key-accounts", "filters": [ { "kind": "territory" }, { "kind": "exclusiveAccounts" } ], "selector": { "kind": "highestScore" } }
    """, catalog).Value;

var lead = new LeadDetails { Source = "web", Company = "Big Customer AG", Location = new LeadLocation(new CountryCode("DE")) };
var now = Instant.FromUtc(2026, 11, 2, 9, 0);
foreach (var rules in new[] { inCode, fromJson })
{
    var decision = rules.Route(new RoutingRequest(new LeadId("L-1"), lead, now) { Seed = 1 }, network);
    Console.WriteLine(decision.Format());
}

// 2. A custom notification channel behind the outbox dispatcher, registered like the built-in
//    ones: resolved from DI (its TextWriter too), hearing only about the events it asks for.
var clock = new FakeClock(now);
var services = new ServiceCollection();
services.AddSingleton<IClock>(clock);
services.AddSingleton(Console.Out);
services.AddOpportunityManagement()
    .AddNotificationChannel<ConsoleChannel>(o => o.Events.Add<LeadAssigned>().Add<LeadRecalled>());
await using var provider = services.BuildServiceProvider();
var store = provider.GetRequiredService<InMemoryStore>();
await store.UpsertAsync(Dealer("D2"));
var accepted = Lead.Capture(tenant, new LeadId("L-1"), lead, "web", clock);
accepted.Qualify(LeadQualification.Full, "sales", clock);
accepted.Assign(new PartnerId("D2"), now + Duration.FromHours(8), "router", clock);
await store.AddAsync(accepted); // the lead's events land in the outbox with it

var summary = await provider.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();
Console.WriteLine($"delivered {summary.Delivered}, dead-lettered {summary.DeadLettered}");

// 3. A currency that ISO 4217 does not list (here the kuna, withdrawn in 2023 but still in old
//    exports): register it once at start-up; a typo such as "HRX" stays an UnknownCurrencyException.
var kuna = CurrencyRegistry.Register("HRK", minorUnitDigits: 2);
Console.WriteLine(new Money(1_234.50m, kuna));                  // 1234.50 HRK
Console.WriteLine(CurrencyRegistry.IsKnown("HRX"));             // False
