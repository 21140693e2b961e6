using NodaTime;
using Opportunity;
using Opportunity.Partners;

namespace PartnerPipeline.Simulation;

/// <summary>A realistic partner network: countries with postal areas, tiers, capacities and local calendars.</summary>
internal static class SampleNetwork
{
    public static readonly TenantId Tenant = new("acme-heating");

    public static readonly string[] ProductLines = ["heat-pumps", "solar", "storage", "ventilation"];

    /// <summary>Countries the manufacturer sells in, with time zone, language, share of leads and public holidays in Q3/Q4 2026.</summary>
    public static readonly Market[] Markets =
    [
        new("DE", "Europe/Berlin", "de", 40, [new LocalDate(2026, 10, 3), new LocalDate(2026, 12, 25), new LocalDate(2026, 12, 26)]),
        new("AT", "Europe/Vienna", "de", 10, [new LocalDate(2026, 8, 15), new LocalDate(2026, 10, 26), new LocalDate(2026, 12, 8)]),
        new("CH", "Europe/Zurich", "de", 8, [new LocalDate(2026, 8, 1)]),
        new("FR", "Europe/Paris", "fr", 15, [new LocalDate(2026, 7, 14), new LocalDate(2026, 8, 15), new LocalDate(2026, 11, 11)]),
        new("NL", "Europe/Amsterdam", "nl", 10, []),
        new("GB", "Europe/London", "en", 12, [new LocalDate(2026, 8, 31), new LocalDate(2026, 12, 25)]),
        new("AU", "Australia/Sydney", "en", 5, [new LocalDate(2026, 10, 5)]),
    ];

    public static IReadOnlyList<Partner> Build(Random random, int count)
    {
        var partners = new List<Partner>(count);
        for (var i = 1; i <= count; i++)
        {
            var market = Pick(random, Markets);
            var zone = DateTimeZoneProviders.Tzdb[market.Zone];
            var prefixes = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct();
            var tier = random.Next(100) switch
            {
                < 45 => PartnerTier.Registered,
                < 75 => PartnerTier.Silver,
                < 93 => PartnerTier.Gold,
                _ => PartnerTier.Platinum,
            };
            var lines = ProductLines.Where(_ => random.Next(100) < 60).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (lines.Count == 0)
            {
                lines.Add(ProductLines[0]);
            }

            partners.Add(new Partner(Tenant, new PartnerId($"P{i:000}"), $"{market.Country} Partner {i:000}", tier)
            {
                Territories = [new Territory(new CountryCode(market.Country), prefixes)],
                ProductLines = lines,
                Languages = new HashSet<string>([market.Language, "en"], StringComparer.OrdinalIgnoreCase),
                Capacity = 4 + (tier.Level * 4) + random.Next(6),
                Calendar = BusinessCalendar.WeekdaysNineToFive(zone).WithHolidays(market.Holidays),
                ContactEmail = $"sales@p{i:000}.example",
                ChannelManagerEmail = $"channel-{market.Country.ToUpperInvariant()}@acme-heating.example",

                // Two tiers: P010, P020, … are distributors; the next two partners buy through them.
                ParentId = i > 10 && i % 10 is 1 or 2 ? new PartnerId($"P{i - (i % 10):000}") : null,
            });
        }

        return partners;
    }

    public static Market PickMarket(Random random) => Pick(random, Markets);

    private static Market Pick(Random random, Market[] markets)
    {
        var roll = random.Next(markets.Sum(m => m.Weight));
        foreach (var market in markets)
        {
            roll -= market.Weight;
            if (roll < 0)
            {
                return market;
            }
        }

        return markets[^1];
    }
}

/// <summary>A country the manufacturer sells in.</summary>
internal sealed record Market(string Country, string Zone, string Language, int Weight, LocalDate[] Holidays);
