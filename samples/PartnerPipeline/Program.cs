using System.Globalization;
using NodaTime;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

// The main job, first version: a small partner network, leads that partners accept or reject,
// opportunities moving through the default pipeline, and the pipeline by stage.
// Fixed clock and seed, so every run prints the same numbers.
var clock = new FakeClock(Instant.FromUtc(2026, 10, 1, 8, 0));
var random = new Random(20261001);
var tenant = new TenantId("acme-heating");
var store = new InMemoryStore();
string[] countries = ["DE", "AT", "CH", "FR", "NL"];
string[] zones = ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Paris", "Europe/Amsterdam"];

var partners = Enumerable.Range(1, 40).Select(i =>
{
    var c = (i - 1) % countries.Length;
    return new Partner(tenant, new PartnerId($"P{i:000}"), $"Partner {i:000}", i % 7 == 0 ? PartnerTier.Gold : PartnerTier.Silver)
    {
        Territories = [new Territory(new CountryCode(countries[c]))],
        Capacity = 20,
        Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb[zones[c]]),
    };
}).ToList();
foreach (var partner in partners)
{
    await store.UpsertAsync(partner);
}

var opened = 0;
for (var i = 1; i <= 600; i++)
{
    clock.AdvanceMinutes(random.Next(30, 200));
    var country = countries[random.Next(countries.Length)];
    var lead = Lead.Capture(tenant, new LeadId($"L{i:0000}"), new LeadDetails
    {
        Source = random.Next(3) == 0 ? "trade-fair" : "web-form",
        Company = $"Customer {i}",
        Location = new LeadLocation(new CountryCode(country)),
        EstimatedValue = new Money(random.Next(20, 400) * 100m, CurrencyCode.EUR),
    }, "system", clock);
    lead.Qualify(LeadQualification.Full, "inside-sales", clock);

    // Until the routing engine lands: the first partner of the lead's country that has not declined.
    var candidates = partners.Where(p => p.Territories.Any(t => t.Covers(new CountryCode(country), null))).ToList();
    foreach (var partner in candidates)
    {
        lead.Assign(partner.Id, partner.Calendar.AddWorkingTime(clock.GetCurrentInstant(), Duration.FromHours(24)), "router", clock);
        if (random.Next(4) == 0)
        {
            lead.Reject(partner.Id, "no capacity this month", clock);
            continue;
        }

        lead.Accept(partner.Id, clock);
        var deal = SalesOpportunity.Open(tenant, new OpportunityId($"O{i:0000}"),
            new SalesOpportunityDraft(partner.Id, lead.Details.EstimatedValue!.Value, LocalDate.FromDateTime(clock.GetCurrentInstant().ToDateTimeUtc()).PlusDays(random.Next(30, 270)))
            {
                SourceLead = lead.Id,
            },
            PipelineDefinition.Default, partner.Id.Value, clock);
        lead.Convert(deal.Id, partner.Id.Value, clock);
        Progress(deal);
        await store.AddAsync(deal);
        opened++;
        break;
    }

    if (lead.State == LeadState.Rejected)
    {
        lead.MarkUnroutable("every partner in the territory declined", "router", clock);
    }

    await store.AddAsync(lead);
}

Console.WriteLine($"Partners: {partners.Count}, leads: 600, opportunities: {opened}");
Console.WriteLine();
Console.WriteLine($"{"Stage",-16}{"Count",7}{"Amount (EUR)",18}{"Weighted (EUR)",18}");
var deals = await store.QueryAsync(AccessScope.Manufacturer(tenant), OpportunityQuery.All).ToListAsync();
foreach (var stage in PipelineDefinition.Default.Stages)
{
    var inStage = deals.Where(d => d.Stage == stage).ToList();
    var amountMinor = inStage.Sum(d => d.Amount.MinorUnits);
    // Exact: minor units × basis points summed as integers, rounded once (half to even).
    var weightedUnits = inStage.Aggregate(Int128.Zero, (acc, d) => acc + ((Int128)d.Amount.MinorUnits * d.Probability.BasisPoints));
    var weighted = Money.Round((decimal)weightedUnits / Probability.Scale / 100m, CurrencyCode.EUR);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage.Name,-16}{inStage.Count,7}{amountMinor / 100m,18:N2}{weighted.Amount,18:N2}"));
}

return 0;

void Progress(SalesOpportunity deal)
{
    foreach (var next in new[] { "Needs analysis", "Proposal", "Negotiation" })
    {
        if (random.Next(10) < 4)
        {
            return;
        }

        clock.AdvanceMinutes(random.Next(10, 60));
        deal.MoveToStage(next, deal.Partner.Value, clock);
    }

    if (random.Next(2) == 0)
    {
        deal.CloseWon("customer signed", deal.Partner.Value, clock);
    }
    else if (random.Next(2) == 0)
    {
        deal.CloseLost("lost on price", deal.Partner.Value, clock);
    }
}
