using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>
/// <see cref="KpiPartnerPerformanceProvider"/> registered in DI: it measures partners from the
/// stores in the tenant's own currency, converts with the registered exchange rates, and never
/// stops routing over a missing rate.
/// </summary>
public sealed class KpiPartnerPerformanceProviderTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);
    private static readonly LocalDate Close = new(2025, 6, 30);

    [Fact]
    public async Task GetAsync_AllDealsInUsdWithoutRates_MeasuresThePartners()
    {
        using var h = await CreateAsync();
        var partner = await AcceptAndConvertAsync(h, "L-1", new Money(5_000m, CurrencyCode.USD));
        h.Clock.Advance(Duration.FromHours(2)); // past the refresh interval: the provider recomputes

        var table = await Provider(h).GetAsync(Tenant);

        var measured = Assert.IsType<PartnerPerformance>(table.Find(partner));
        Assert.Equal(1.0, measured.AcceptanceRate);
        Assert.Equal(1, measured.LeadsOffered);
    }

    [Fact]
    public async Task QualifyAsync_DealsInUsdAndEurWithoutRates_StillRoutesTheLead()
    {
        using var h = await CreateAsync();
        await AcceptAndConvertAsync(h, "L-1", new Money(5_000m, CurrencyCode.USD));
        await AcceptAndConvertAsync(h, "L-2", new Money(7_000m, CurrencyCode.EUR));
        h.Clock.Advance(Duration.FromHours(2));

        var lead = await h.CaptureAndQualifyAsync("L-3");

        Assert.Equal(LeadState.Assigned, lead.State);
        var table = await Provider(h).GetAsync(Tenant); // the one built before any deal: nobody measured
        Assert.Null(table.Find(new PartnerId("P-a")));
        Assert.Null(table.Find(new PartnerId("P-b")));
    }

    [Fact]
    public async Task GetAsync_DealsInUsdAndEurWithTheTenantsRates_MeasuresThePartners()
    {
        using var h = await CreateAsync(new FixedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, 0.9m));
        var first = await AcceptAndConvertAsync(h, "L-1", new Money(5_000m, CurrencyCode.USD));
        await AcceptAndConvertAsync(h, "L-2", new Money(7_000m, CurrencyCode.EUR));
        h.Clock.Advance(Duration.FromHours(2));

        var table = await Provider(h).GetAsync(Tenant);

        Assert.NotNull(table.Find(first));
        Assert.Equal(2, table.Find(new PartnerId("P-a"))!.LeadsOffered + (table.Find(new PartnerId("P-b"))?.LeadsOffered ?? 0));
    }

    [Fact]
    public async Task GetAsync_RateMissingAfterATableWasBuilt_KeepsTheLastTable()
    {
        using var h = await CreateAsync();
        var partner = await AcceptAndConvertAsync(h, "L-1", new Money(5_000m, CurrencyCode.USD));
        h.Clock.Advance(Duration.FromHours(2));
        var before = await Provider(h).GetAsync(Tenant);
        Assert.NotNull(before.Find(partner));
        await AcceptAndConvertAsync(h, "L-2", new Money(7_000m, CurrencyCode.EUR));
        h.Clock.Advance(Duration.FromHours(2));

        var after = await Provider(h).GetAsync(Tenant);

        Assert.Same(before, after);
    }

    private static IPartnerPerformanceProvider Provider(DistributionHarness h)
    {
        var provider = h.Services.GetRequiredService<IPartnerPerformanceProvider>();
        Assert.IsType<KpiPartnerPerformanceProvider>(provider);
        return provider;
    }

    private static async Task<DistributionHarness> CreateAsync(IExchangeRateProvider? rates = null)
    {
        var h = Create(
            Tuesday10,
            o => o.RuleSet = RoutingRuleSet.Create("performance").InTerritory().SellingProductLine().ScoreByPerformance().PickHighestScore().Build(),
            register: services =>
            {
                services.AddSingleton<IPartnerPerformanceProvider, KpiPartnerPerformanceProvider>();
                if (rates is not null)
                {
                    services.AddSingleton(rates);
                }
            });
        await h.AddPartnersAsync(Partner("P-a"), Partner("P-b"));
        return h;
    }

    /// <summary>Routes a lead, lets its partner accept it and open a deal of <paramref name="amount"/>; returns the partner.</summary>
    private static async Task<PartnerId> AcceptAndConvertAsync(DistributionHarness h, string id, Money amount)
    {
        var lead = await h.CaptureAndQualifyAsync(id);
        var partner = lead.AssignedPartner!.Value;
        await h.PartnerLeads.AcceptAsync(Tenant, partner, lead.Id);
        await h.PartnerLeads.ConvertAsync(Tenant, partner, lead.Id, new OpportunityId("O-" + id), Close, amount);
        return partner;
    }
}
