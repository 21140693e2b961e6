using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity;
using Opportunity.Persistence;
using Opportunity.Pipelines;

var services = new ServiceCollection();
services.AddOpportunityManagement();
using var provider = services.BuildServiceProvider();
var clock = provider.GetRequiredService<IClock>();
var store = provider.GetRequiredService<IOpportunityStore>();

var tenant = new TenantId("acme");
var deal = SalesOpportunity.Open(tenant, new OpportunityId("O-1001"),
    new SalesOpportunityDraft(new PartnerId("P-17"), new Money(48_000m, CurrencyCode.EUR), new LocalDate(2027, 3, 31)),
    PipelineDefinition.Default, actor: "P-17", clock);
deal.MoveToStage("Proposal", actor: "P-17", clock);
await store.AddAsync(deal);

var saved = await store.FindAsync(AccessScope.ForPartner(tenant, new PartnerId("P-17")), deal.Id);
Console.WriteLine($"{saved!.Id}: {saved.Stage.Name}, {saved.Amount} at {saved.Probability}, version {saved.Version}");
