using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Erasure through the workflow on the in-memory store, and the retention options bound from configuration.</summary>
public sealed class PersonalDataServiceTests
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    [Fact]
    public async Task EraseCustomerAsync_ByOpportunity_ErasesTheDealAndTheLeadItCameFrom()
    {
        var store = new InMemoryStore();
        var lead = Lead.Capture(Tenant, new LeadId("L-1"), new LeadDetails { Source = "web", Company = "Example GmbH", Contact = new LeadContact("Ada", "ada@example.com", "+49 89 1234567") }, "web", _clock);
        await store.AddAsync(lead);
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("D-1"), new SalesOpportunityDraft(new PartnerId("P-1"), new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = "Example GmbH heat pump", SourceLead = lead.Id }, PipelineDefinition.Default, "p1", _clock);
        await store.AddAsync(deal);

        var report = await Service(store).EraseCustomerAsync(Tenant, ErasureTarget.OfOpportunity(deal.Id), "dpo");

        Assert.Equal(new ErasureReport(1, 1, 0), report);
        var storedDeal = (await store.FindAsync(AccessScope.Manufacturer(Tenant), deal.Id))!;
        Assert.Null(storedDeal.Name);
        Assert.Equal(new Money(5_000m, CurrencyCode.EUR), storedDeal.Amount);
        Assert.Equal(_clock.GetCurrentInstant(), storedDeal.ErasedAt);
        Assert.Equal(LeadContact.None, (await store.FindAsync(AccessScope.Manufacturer(Tenant), lead.Id))!.Details.Contact);
        var audits = (await store.ListPendingAsync()).Where(m => m.Type == nameof(PersonalDataErased)).ToList();
        Assert.Equal(2, audits.Count);
        Assert.All(audits, m => Assert.DoesNotContain("ada@example.com", m.Payload, StringComparison.Ordinal));
        Assert.All(audits, m => Assert.Contains("\"actor\":\"dpo\"", m.Payload, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EraseCustomerAsync_DealWithKeysAndActivities_ClearsKeysAndActivityTextKeepingKindsAndTimes()
    {
        var store = new InMemoryStore();
        var draft = new SalesOpportunityDraft(new PartnerId("P-1"), new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30))
        {
            Name = "Example GmbH heat pump",
            CustomerKeys = DuplicateKeys.OfCustomer("Example GmbH", "ada@example.com", "+49 89 1234567"),
        };
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("D-1"), draft, PipelineDefinition.Default, "p1", _clock);
        deal.RecordActivity(new SalesActivityDraft(SalesActivityKind.Call, "Called Ada Lovelace about the quote"), "p1", _clock);
        deal.RecordActivity(SalesActivityDraft.NextStep("Site visit with Ada"), "p1", _clock);
        await store.AddAsync(deal);
        Assert.Single(await store.FindByCustomerKeysAsync(AccessScope.Manufacturer(Tenant), draft.CustomerKeys!).ToListAsync());

        await Service(store).EraseCustomerAsync(Tenant, ErasureTarget.OfOpportunity(deal.Id), "dpo");

        var stored = (await store.FindAsync(AccessScope.Manufacturer(Tenant), deal.Id))!;
        Assert.Null(stored.CustomerKeys);
        Assert.Empty(await store.FindByCustomerKeysAsync(AccessScope.Manufacturer(Tenant), draft.CustomerKeys!).ToListAsync());
        Assert.Equal([SalesActivityKind.Call, SalesActivityKind.NextStep], stored.Activities.Select(a => a.Kind));
        Assert.All(stored.Activities, a => Assert.Equal("[erased]", a.Subject));
        Assert.Equal(deal.LastActivityAt, stored.LastActivityAt);
    }

    [Fact]
    public async Task SweepAsync_AgesNotSet_ErasesNothing()
    {
        var store = new InMemoryStore();
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("D-1"), new SalesOpportunityDraft(new PartnerId("P-1"), new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = "Kept" }, PipelineDefinition.Default, "p1", _clock);
        deal.CloseWon("signed", "p1", _clock);
        await store.AddAsync(deal);
        _clock.Advance(Duration.FromDays(5_000));

        Assert.True((await Service(store).SweepAsync(Tenant)).IsNoOp);
        Assert.Equal("Kept", (await store.FindAsync(AccessScope.Manufacturer(Tenant), deal.Id))!.Name);
    }

    [Fact]
    public void AddPersonalDataErasure_FromConfiguration_BindsAgesAsIsoOrTimeSpan()
    {
        using var provider = Build(new() { ["ClosedOpportunityAge"] = "P730D", ["ClosedLeadAge"] = "180.00:00:00", ["MaxRecordsPerSweep"] = "50" });

        var options = provider.GetRequiredService<IOptions<PersonalDataRetentionOptions>>().Value;

        Assert.Equal(Duration.FromDays(730), options.ClosedOpportunityAge);
        Assert.Equal(Duration.FromDays(180), options.ClosedLeadAge);
        Assert.Equal(50, options.MaxRecordsPerSweep);
        Assert.NotNull(provider.GetRequiredService<PersonalDataService>());
    }

    [Fact]
    public void AddPersonalDataErasure_UnknownKey_FailsNamingIt()
    {
        using var provider = Build(new() { ["ClosedDealAge"] = "P730D" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<PersonalDataRetentionOptions>>().Value);

        Assert.Contains("ClosedDealAge", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ClosedOpportunityAge", "PT0S", "ClosedOpportunityAge")]
    [InlineData("ClosedLeadAge", "00:00:00", "ClosedLeadAge")]
    [InlineData("MaxRecordsPerSweep", "0", "MaxRecordsPerSweep")]
    public void AddPersonalDataErasure_BadValue_FailsValidationNamingTheOption(string key, string value, string named)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PersonalDataRetentionOptions>>().Value);

        Assert.Contains($"PersonalDataRetentionOptions.{named}", ex.Message, StringComparison.Ordinal);
    }

    private PersonalDataService Service(InMemoryStore store) =>
        new(store, store, store, _clock, Options.Create(new PersonalDataRetentionOptions()));

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddPersonalDataErasure(configuration);
        return services.BuildServiceProvider();
    }
}
