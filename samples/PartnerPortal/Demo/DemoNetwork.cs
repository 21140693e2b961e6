using NodaTime;
using Opportunity;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace PartnerPortal.Demo;

/// <summary>
/// A small heating-equipment network to click through: three installers, a few offered leads each
/// and one deal already in every pipeline. Seeded once; a database that has partners is left alone.
/// </summary>
internal static class DemoNetwork
{
    private const string Actor = "demo-seed";

    public static readonly TenantId Tenant = new("acme-heating");

    public static readonly IReadOnlyList<Partner> Partners =
    [
        Installer("P-BER", "Spree Wärmetechnik", "DE", "Europe/Berlin", "1"),
        Installer("P-HAM", "Hanse Heizung & Solar", "DE", "Europe/Berlin", "2"),
        Installer("P-VIE", "Donau Energie", "AT", "Europe/Vienna", "1"),
    ];

    /// <summary>Lead id, partner it is offered to, what is known, and whether the partner already works it as a deal.</summary>
    private static readonly (string Id, string Partner, LeadDetails Details, bool InPipeline)[] Leads =
    [
        ("L-1001", "P-BER", Lead("Bäckerei Krume", "Jana Krume", "10115", "Berlin", "DE", "heat-pumps", 18_500m), false),
        ("L-1002", "P-BER", Lead("Kita Sonnenschein", "Ole Brandt", "12043", "Berlin", "DE", "solar", 9_800m), false),
        ("L-1003", "P-BER", Lead("Hotel am Ufer", "Mira Engel", "10785", "Berlin", "DE", "heat-pumps", 42_000m), true),
        ("L-2001", "P-HAM", Lead("Werft Nord", "Henrik Lund", "20457", "Hamburg", "DE", "storage", 27_300m), false),
        ("L-2002", "P-HAM", Lead("Praxis Dr. Weiß", "Eva Weiß", "22767", "Hamburg", "DE", "heat-pumps", 15_900m), true),
        ("L-3001", "P-VIE", Lead("Heuriger Gruber", "Toni Gruber", "1190", "Wien", "AT", "solar", 12_400m), false),
        ("L-3002", "P-VIE", Lead("Atelier Blau", "Lena Blau", "1070", "Wien", "AT", "heat-pumps", 21_000m), true),
    ];

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var directory = services.GetRequiredService<IPartnerDirectory>();
        await foreach (var _ in directory.ListAsync(Tenant, cancellationToken))
        {
            return;
        }

        foreach (var partner in Partners)
        {
            await directory.UpsertAsync(partner, cancellationToken);
        }

        var intake = services.GetRequiredService<LeadIntakeService>();
        var partnerLeads = services.GetRequiredService<PartnerLeadService>();
        var today = services.GetRequiredService<IClock>().GetCurrentInstant().InUtc().Date;
        foreach (var (id, partnerId, details, inPipeline) in Leads)
        {
            var lead = new LeadId(id);
            var partner = new PartnerId(partnerId);
            await intake.CaptureAsync(Tenant, lead, details, Actor, cancellationToken);
            await intake.QualifyAsync(Tenant, lead, LeadQualification.Full, Actor, route: false, cancellationToken);
            await intake.AssignManuallyAsync(Tenant, lead, partner, Actor, cancellationToken);
            if (inPipeline)
            {
                await partnerLeads.AcceptAsync(Tenant, partner, lead, cancellationToken);
                await partnerLeads.ConvertAsync(Tenant, partner, lead, new OpportunityId(id), today.PlusDays(60), cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>DEMO ONLY: who one may sign in as.</summary>
    public static IEnumerable<DemoPartner> ListPartners() => Partners.Select(p => new DemoPartner(p.Id.Value, p.Name));

    private static Partner Installer(string id, string name, string country, string zone, string postalPrefix) =>
        new(Tenant, new PartnerId(id), name, PartnerTier.Gold)
        {
            Territories = [new Territory(new CountryCode(country), [postalPrefix])],
            ProductLines = new HashSet<string>(["heat-pumps", "solar", "storage"], StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(["de", "en"], StringComparer.OrdinalIgnoreCase),
            Capacity = 20,
            Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb[zone]),
            ContactEmail = $"sales@{id.ToLowerInvariant()}.example",
        };

    private static LeadDetails Lead(string company, string contact, string postalCode, string city, string country, string product, decimal value) => new()
    {
        Source = "web-form",
        Company = company,
        Contact = new LeadContact(contact, $"{contact.Split(' ')[0].ToLowerInvariant()}@{company.Split(' ')[0].ToLowerInvariant()}.example", "+49 30 5550100"),
        Location = new LeadLocation(new CountryCode(country), postalCode, city),
        ProductInterest = product,
        Language = "de",
        EstimatedValue = new Money(value, CurrencyCode.EUR),
    };
}

/// <summary>DEMO ONLY: a partner one may sign in as.</summary>
internal sealed record DemoPartner(string Id, string Name);
