using System.Text.Json;
using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Persistence;

/// <summary>The stored form of a <see cref="Partner"/>: plain data, the calendar's zone as its TZDB id.</summary>
internal sealed record PartnerDocument(
    TenantId Tenant,
    PartnerId Id,
    string Name,
    PartnerDocument.TierDocument Tier,
    IReadOnlyList<PartnerDocument.TerritoryDocument> Territories,
    GeoPoint? Location,
    IReadOnlyList<string> ProductLines,
    IReadOnlyList<string> Certifications,
    IReadOnlyList<string> Languages,
    int? Capacity,
    bool IsActive,
    PartnerDocument.CalendarDocument Calendar,
    string? ContactEmail,
    string? ChannelManagerEmail)
{
    public static PartnerDocument From(Partner p) => new(
        p.Tenant,
        p.Id,
        p.Name,
        new TierDocument(p.Tier.Name, p.Tier.Level),
        [.. p.Territories.Select(t => new TerritoryDocument(t.Country, t.PostalPrefixes))],
        p.Location,
        Sorted(p.ProductLines),
        Sorted(p.Certifications),
        Sorted(p.Languages),
        p.Capacity,
        p.IsActive,
        new CalendarDocument(
            p.Calendar.Zone.Id,
            p.Calendar.WeeklyHours.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<PeriodDocument>)[.. kv.Value.Select(w => new PeriodDocument(w.Start, w.End))]),
            [.. p.Calendar.Holidays.Order()]),
        p.ContactEmail,
        p.ChannelManagerEmail);

    public Partner ToPartner()
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(Calendar.Zone)
            ?? throw new JsonException($"Partner '{Id}': calendar.zone '{Calendar.Zone}' is not a known TZDB time zone.");
        var week = Calendar.WeeklyHours.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<WorkingPeriod>)[.. kv.Value.Select(w => new WorkingPeriod(w.Start, w.End))]);
        return new Partner(Tenant, Id, Name, new PartnerTier(Tier.Name, Tier.Level))
        {
            Territories = [.. Territories.Select(t => new Territory(t.Country, t.PostalPrefixes))],
            Location = Location,
            ProductLines = new HashSet<string>(ProductLines, StringComparer.OrdinalIgnoreCase),
            Certifications = new HashSet<string>(Certifications, StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(Languages, StringComparer.OrdinalIgnoreCase),
            Capacity = Capacity,
            IsActive = IsActive,
            Calendar = new BusinessCalendar(zone, week, Calendar.Holidays),
            ContactEmail = ContactEmail,
            ChannelManagerEmail = ChannelManagerEmail,
        };
    }

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    internal sealed record TierDocument(string Name, int Level);

    internal sealed record TerritoryDocument(CountryCode Country, IReadOnlyList<string> PostalPrefixes);

    internal sealed record CalendarDocument(string Zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<PeriodDocument>> WeeklyHours, IReadOnlyList<LocalDate> Holidays);

    internal sealed record PeriodDocument(LocalTime Start, LocalTime End);
}
