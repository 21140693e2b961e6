using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Testing.Conformance;

/// <summary>Builders and comparisons shared by the conformance tests.</summary>
internal static class ConformanceData
{
    public static readonly TenantId TenantA = new("tenant-a");
    public static readonly TenantId TenantB = new("tenant-b");
    public static readonly PartnerId P1 = new("partner-1");
    public static readonly PartnerId P2 = new("partner-2");
    public static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);

    public static FakeClock NewClock() => new(Start);

    public static LeadDetails Details(string company) => new()
    {
        Source = "web-form",
        Company = company,
        Contact = new LeadContact("Ada Example", "ada@example.com", "+49 89 1234"),
        Location = new LeadLocation(new CountryCode("DE"), "80331", "München", new GeoPoint(48.137, 11.575)),
        ProductInterest = "heat-pumps",
        Language = "de",
        EstimatedValue = new Money(12_000.50m, CurrencyCode.EUR),
    };

    public static Lead NewLead(TenantId tenant, string id, IClock clock, string? company = null) =>
        Lead.Capture(tenant, new LeadId(id), Details(company ?? $"{tenant}/{id}"), "system", clock);

    /// <summary>A lead captured, qualified and assigned to <paramref name="partner"/> (two days to accept).</summary>
    public static Lead AssignedLead(TenantId tenant, string id, PartnerId partner, IClock clock, string? company = null)
    {
        var lead = NewLead(tenant, id, clock, company);
        lead.Qualify(LeadQualification.Full, "system", clock);
        lead.Assign(partner, clock.GetCurrentInstant() + Duration.FromDays(2), "router", clock);
        return lead;
    }

    public static SalesOpportunity NewOpportunity(TenantId tenant, string id, PartnerId partner, IClock clock, decimal amount = 10_000m, string? name = null) =>
        SalesOpportunity.Open(
            tenant,
            new OpportunityId(id),
            new SalesOpportunityDraft(partner, new Money(amount, CurrencyCode.EUR), new LocalDate(2025, 6, 30))
            {
                Name = name ?? $"{tenant}/{id}",
                Region = "DE-South",
                ProductLine = "heat-pumps",
            },
            PipelineDefinition.Default,
            "system",
            clock);

    public static Partner NewPartner(TenantId tenant, PartnerId id, string? name = null) =>
        new(tenant, id, name ?? $"{tenant}/{id}", PartnerTier.Gold)
        {
            Territories = [new Territory(new CountryCode("DE"), ["80", "81"]), new Territory(new CountryCode("AT"))],
            Location = new GeoPoint(48.1, 11.6),
            ProductLines = new HashSet<string>(["heat-pumps", "solar"], StringComparer.OrdinalIgnoreCase),
            Certifications = new HashSet<string>(["installer-cert"], StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(["de", "en"], StringComparer.OrdinalIgnoreCase),
            Capacity = 25,
            Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).WithHolidays([new LocalDate(2025, 12, 25)]),
            ContactEmail = "sales@partner.example",
            ChannelManagerEmail = "cm@maker.example",
        };

    public static OutboxMessage Message(string id, TenantId tenant, Instant createdAt, string topic = "smtp") =>
        new(id, tenant, topic, "Notification", $"{{\"id\":\"{id}\"}}", createdAt);

    public static string Doc(Lead lead) => SnapshotJson.Serialize(lead.ToSnapshot());

    public static string Doc(SalesOpportunity opportunity) => SnapshotJson.Serialize(opportunity.ToSnapshot());

    public static string Doc(Partner partner) => SnapshotJson.Serialize(partner);

    /// <summary>Every observable field of an outbox message, as one comparable string.</summary>
    public static string Doc(OutboxMessage m) =>
        $"{m.Id}|{m.Tenant}|{m.Topic}|{m.Type}|{m.Payload}|{m.CreatedAt}|{m.Attempts}|{m.NextAttemptAt}|{m.LastError}";

    public static string Doc(DeadLetter d) => $"{Doc(d.Message)}|{d.Reason}|{d.DeadLetteredAt}";

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
