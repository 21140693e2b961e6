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

    /// <param name="configure">Options of the due-work loop.</param>
    /// <param name="before">Registrations that come first (replacements).</param>
    /// <param name="register">The hosting registration; default <c>AddDueWorkHostedService(configure)</c>.</param>
    public HostingFixture(Action<DueWorkHostingOptions>? configure = null, Action<IServiceCollection>? before = null, Action<OpportunityManagementBuilder>? register = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Clock);
        services.AddSingleton<IBackgroundDelay>(Delays);
        before?.Invoke(services);
        var builder = services.AddOpportunityManagement(o => o.HostId = "host-a")
            .AddLeadDistribution(o => o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().PickRoundRobin().Build());
        (register ?? (b => b.AddDueWorkHostedService(configure)))(builder);
        Services = services.BuildServiceProvider();
    }

    public FakeClock Clock { get; } = new(AssignedAt);

    public LoopDelays Delays { get; } = new();

    /// <summary>The due-work loop's waits.</summary>
    public ManualDelay Delay => Delays.DueWork;

    public ServiceProvider Services { get; }

    public InMemoryStore Store => Services.GetRequiredService<InMemoryStore>();

    public DueWorkHostedService Service => Services.GetServices<IHostedService>().OfType<DueWorkHostedService>().Single();

    public NotificationDispatchHostedService Dispatch => Services.GetServices<IHostedService>().OfType<NotificationDispatchHostedService>().Single();

    /// <summary>Adds partner P-a (Germany, weekdays 09:00–17:00 UTC, contact sales@partner-a.example) and assigns lead L-1 to it at <see cref="AssignedAt"/>.</summary>
    public async Task AssignLeadAsync()
    {
        await Store.UpsertAsync(new Partner(Tenant, new PartnerId("P-a"), "Partner A", PartnerTier.Silver)
        {
            Territories = [new Territory(new CountryCode("DE"), null)],
            ContactEmail = "sales@partner-a.example",
        });
        var intake = Services.GetRequiredService<LeadIntakeService>();
        var details = new LeadDetails { Source = "web", Company = "Prospect GmbH", Location = new LeadLocation(new CountryCode("DE"), "80331", "München") };
        await intake.CaptureAsync(Tenant, new LeadId("L-1"), details, "sales");
        await intake.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, "sales");
    }

    public async Task<IReadOnlyList<AcceptanceReminderDue>> RemindersAsync() =>
        [.. (await Store.ListPendingAsync()).Where(m => m.Type == nameof(AcceptanceReminderDue)).Select(m => (AcceptanceReminderDue)DomainEventSerializer.Deserialize(m.Type, m.Payload))];

    public void Dispose() => Services.Dispose();
}
