using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Hosting.Tests;

/// <summary>A service provider with lead distribution, the hosted service, a fake clock and a manual delay.</summary>
internal sealed class HostingFixture : IDisposable
{
    public static readonly TenantId Tenant = new("acme");

    /// <summary>Tuesday 4 March 2025, 10:00 UTC: the lead is assigned; its reminder is due 4 working hours later, at 14:00.</summary>
    public static readonly Instant AssignedAt = Instant.FromUtc(2025, 3, 4, 10, 0);

    public static readonly Instant ReminderDue = Instant.FromUtc(2025, 3, 4, 14, 0);

    public HostingFixture(Action<DueWorkHostingOptions>? configure = null, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Clock);
        services.AddSingleton<IDueWorkDelay>(Delay);
        before?.Invoke(services);
        services.AddOpportunityManagement(o => o.HostId = "host-a")
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build())
            .AddDueWorkHostedService(configure);
        Services = services.BuildServiceProvider();
    }

    public FakeClock Clock { get; } = new(AssignedAt);

    public ManualDelay Delay { get; } = new();

    public ServiceProvider Services { get; }

    public InMemoryStore Store => Services.GetRequiredService<InMemoryStore>();

    public DueWorkHostedService Service => Services.GetServices<IHostedService>().OfType<DueWorkHostedService>().Single();

    /// <summary>Adds partner P-a (Germany, weekdays 09:00–17:00 UTC) and assigns lead L-1 to it at <see cref="AssignedAt"/>.</summary>
    public async Task AssignLeadAsync()
    {
        await Store.UpsertAsync(new Partner(Tenant, new PartnerId("P-a"), "Partner A", PartnerTier.Silver)
        {
            Territories = [new Territory(new CountryCode("DE"), null)],
        });
        var distribution = Services.GetRequiredService<LeadDistributionService>();
        var details = new LeadDetails { Source = "web", Company = "Prospect GmbH", Location = new LeadLocation(new CountryCode("DE"), "80331", "München") };
        await distribution.CaptureAsync(Tenant, new LeadId("L-1"), details, "sales");
        await distribution.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, "sales");
    }

    public async Task<IReadOnlyList<AcceptanceReminderDue>> RemindersAsync() =>
        [.. (await Store.ListPendingAsync()).Where(m => m.Type == nameof(AcceptanceReminderDue)).Select(m => (AcceptanceReminderDue)DomainEventSerializer.Deserialize(m.Type, m.Payload))];

    public void Dispose() => Services.Dispose();
}
