using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Workflows;

internal sealed class DistributionHarness : IDisposable
{
    public static readonly TenantId Tenant = new("acme");

    private DistributionHarness(ServiceProvider services, FakeClock clock, InMemoryStore store)
    {
        Services = services;
        Clock = clock;
        Store = store;
    }

    public ServiceProvider Services { get; }

    public FakeClock Clock { get; }

    public InMemoryStore Store { get; }

    public LeadIntakeService Intake => Services.GetRequiredService<LeadIntakeService>();

    public PartnerLeadService PartnerLeads => Services.GetRequiredService<PartnerLeadService>();

    public DealRegistrationService Registrations => Services.GetRequiredService<DealRegistrationService>();

    public LeadRouter Router => Services.GetRequiredService<LeadRouter>();

    public DueWorkProcessor Processor => Services.GetRequiredService<DueWorkProcessor>();

    public static DistributionHarness Create(Instant start, Action<LeadDistributionOptions>? configure = null, string host = "host-a", InMemoryStore? store = null, FakeClock? clock = null, Func<ILeadStore, ILeadStore>? wrapLeads = null, IConfiguration? configuration = null, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection();
        clock ??= new FakeClock(start);
        store ??= new InMemoryStore();
        services.AddSingleton<IClock>(clock);
        services.AddSingleton(store);
        if (wrapLeads is not null)
        {
            services.AddSingleton(wrapLeads(store));
        }

        register?.Invoke(services);
        var builder = services.AddOpportunityManagement(o => o.HostId = host);
        if (configuration is not null)
        {
            builder.AddLeadDistribution(configuration);
        }

        builder.AddLeadDistribution(configure);
        return new DistributionHarness(services.BuildServiceProvider(), clock, store);
    }

    public static Partner Partner(string id, BusinessCalendar? calendar = null, PartnerTier? tier = null, string[]? prefixes = null, string? channelManager = null) =>
        new(Tenant, new PartnerId(id), $"Partner {id}", tier ?? PartnerTier.Silver)
        {
            Territories = [new Territory(new CountryCode("DE"), prefixes ?? ["80"])],
            ProductLines = new HashSet<string>(["heat-pumps"], StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(["de"], StringComparer.OrdinalIgnoreCase),
            Calendar = calendar ?? BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc),
            ChannelManagerEmail = channelManager ?? $"cm-{id}@acme.example",
        };

    public static LeadDetails Details(string company = "Prospect GmbH", string email = "jane@prospect.example", string? phone = "+49 89 1234567") => new()
    {
        Source = "web",
        Company = company,
        Contact = new LeadContact("Jane Doe", email, phone),
        Location = new LeadLocation(new CountryCode("DE"), "80331", "München"),
        ProductInterest = "heat-pumps",
        Language = "de",
        EstimatedValue = new Money(12_000m, CurrencyCode.EUR),
    };

    public async Task AddPartnersAsync(params Partner[] partners)
    {
        foreach (var p in partners)
        {
            await Store.UpsertAsync(p);
        }
    }

    public async Task<Lead> CaptureAndQualifyAsync(string id, LeadDetails? details = null)
    {
        await Intake.CaptureAsync(Tenant, new LeadId(id), details ?? Details(company: $"Company {id}", email: $"x@{id.ToLowerInvariant()}.example", phone: null), "sales");
        await Intake.QualifyAsync(Tenant, new LeadId(id), LeadQualification.Full, "sales");
        return await LeadAsync(id);
    }

    public async Task<Lead> LeadAsync(string id) => (await Store.FindAsync(AccessScope.Manufacturer(Tenant), new LeadId(id)))!;

    public async Task<IReadOnlyList<T>> EventsAsync<T>()
        where T : DomainEvent =>
        [.. (await Store.ListPendingAsync()).Where(m => m.Type == typeof(T).Name).Select(m => (T)DomainEventSerializer.Deserialize(m.Type, m.Payload))];

    public void Dispose() => Services.Dispose();
}
