using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Hosting.Tests.Retention;

/// <summary>The retention sweep as a hosted loop: one pass sweeps every configured tenant with the configured ages.</summary>
public sealed class PersonalDataRetentionHostedServiceTests
{
    [Fact]
    public async Task RunOnceAsync_DealClosedLongerThanTheAge_ErasesItsTitleAndKeepsItsAmount()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosting:Tenants:0"] = HostingFixture.Tenant.Value,
            ["Hosting:Interval"] = "PT1H",
            ["Ages:ClosedOpportunityAge"] = "P365D",
        }).Build();
        using var fixture = new HostingFixture(register: b => b.AddPersonalDataRetentionHostedService(configuration.GetSection("Hosting")).AddPersonalDataErasure(configuration.GetSection("Ages")));
        var deal = SalesOpportunity.Open(HostingFixture.Tenant, new OpportunityId("D-1"), new SalesOpportunityDraft(new PartnerId("P-a"), new Money(8_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = "Prospect GmbH" }, PipelineDefinition.Default, "p", fixture.Clock);
        deal.CloseLost("price", "p", fixture.Clock);
        await fixture.Store.AddAsync(deal);
        var service = fixture.Services.GetServices<IHostedService>().OfType<PersonalDataRetentionHostedService>().Single();

        Assert.True((await service.RunOnceAsync())!.IsNoOp);
        fixture.Clock.Advance(Duration.FromDays(366));
        var report = await service.RunOnceAsync();

        Assert.Equal(1, report!.Opportunities);
        var stored = (await fixture.Store.FindAsync(AccessScope.Manufacturer(HostingFixture.Tenant), deal.Id))!;
        Assert.Null(stored.Name);
        Assert.Equal(new Money(8_000m, CurrencyCode.EUR), stored.Amount);
    }

    [Fact]
    public void AddPersonalDataRetentionHostedService_NoTenant_FailsValidationNamingTheOption()
    {
        using var fixture = new HostingFixture(register: b => b.AddPersonalDataRetentionHostedService());

        var ex = Assert.Throws<OptionsValidationException>(() => fixture.Services.GetRequiredService<IOptions<PersonalDataRetentionHostingOptions>>().Value);

        Assert.Contains("PersonalDataRetentionHostingOptions.Tenants", ex.Message, StringComparison.Ordinal);
    }
}
