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
    string? ChannelManagerEmail,
    PartnerId? ParentId = null)
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
        CalendarDocument.From(p),
        p.ContactEmail,
        p.ChannelManagerEmail,
        p.ParentId);

    public Partner ToPartner()
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(Calendar.Zone)
            ?? throw new JsonException($"Partner '{Id}': calendar.zone '{Calendar.Zone}' is not a known TZDB time zone.");
        var week = Calendar.WeeklyHours.ToDictionary(kv => kv.Key, kv => Periods(kv.Value));
        var overrides = (Calendar.Overrides ?? []).ToDictionary(o => o.Date, o => Periods(o.Periods));
        return new Partner(Tenant, Id, Name, new PartnerTier(Tier.Name, Tier.Level))
        {
            Territories = [.. Territories.Select(t => new Territory(t.Country, t.PostalPrefixes))],
            Location = Location,
            ProductLines = new HashSet<string>(ProductLines, StringComparer.OrdinalIgnoreCase),
            Certifications = new HashSet<string>(Certifications, StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(Languages, StringComparer.OrdinalIgnoreCase),
            Capacity = Capacity,
            IsActive = IsActive,
            Calendar = new BusinessCalendar(zone, week, Calendar.Holidays, overrides),
            ContactEmail = ContactEmail,
            ChannelManagerEmail = ChannelManagerEmail,
            ParentId = ParentId,
        };
    }

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Order(StringComparer.Ordinal)];

    private static IReadOnlyList<WorkingPeriod> Periods(IEnumerable<PeriodDocument> periods) => [.. periods.Select(w => new WorkingPeriod(w.Start, w.End))];

    private static IReadOnlyList<PeriodDocument> Documents(IEnumerable<WorkingPeriod> periods) => [.. periods.Select(w => new PeriodDocument(w.Start, w.End))];

    internal sealed record TierDocument(string Name, int Level);

    internal sealed record TerritoryDocument(CountryCode Country, IReadOnlyList<string> PostalPrefixes);

    /// <summary>A <see cref="BusinessCalendar"/>; <c>overrides</c> is absent when there are none (and in documents written before 0.3.0).</summary>
    internal sealed record CalendarDocument(string Zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<PeriodDocument>> WeeklyHours, IReadOnlyList<LocalDate> Holidays, IReadOnlyList<OverrideDocument>? Overrides = null)
    {
        /// <exception cref="InvalidInputException">The partner's calendar is not a <see cref="BusinessCalendar"/>, which is the one stores can keep.</exception>
        public static CalendarDocument From(Partner partner)
        {
            if (partner.Calendar is not BusinessCalendar calendar)
            {
                throw NotStorable(partner);
            }

            var overrides = calendar.Overrides.OrderBy(kv => kv.Key).Select(kv => new OverrideDocument(kv.Key, Documents(kv.Value))).ToList();
            return new CalendarDocument(
                calendar.Zone.Id,
                calendar.WeeklyHours.ToDictionary(kv => kv.Key, kv => Documents(kv.Value)),
                [.. calendar.Holidays.Order()],
                overrides.Count == 0 ? null : overrides);
        }
    }

    /// <summary>The refusal every store gives a partner whose calendar is an <see cref="IBusinessCalendar"/> of the app's own.</summary>
    public static InvalidInputException NotStorable(Partner partner) =>
        new(OpportunityErrorCodes.ValidationFailed, "Partner.Calendar", $"Partner '{partner.Id}' has a calendar of type {partner.Calendar.GetType().Name}; stores keep only a BusinessCalendar. Use one, or serve partners with such calendars from an IPartnerDirectory of your own.");

    internal sealed record OverrideDocument(LocalDate Date, IReadOnlyList<PeriodDocument> Periods);

    internal sealed record PeriodDocument(LocalTime Start, LocalTime End);
}
