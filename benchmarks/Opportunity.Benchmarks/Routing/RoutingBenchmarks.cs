using BenchmarkDotNet.Attributes;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Routing;
using Opportunity.Routing.Rules;

namespace Opportunity.Benchmarks.Routing;

/// <summary>
/// Routing one lead against 100,000 partners with a 6-rule set (territory, product line, language,
/// capacity; load balancing; highest score — plus the implicit active and exclude-previous filters).
/// The baseline is the same rule set with the territory check as a plain filter, i.e. a scan of
/// every partner instead of the territory index.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RoutingBenchmarks
{
    private const int Countries = 10;
    private RoutingNetwork _network = RoutingNetwork.Empty;
    private PartnerLoadTable _load = new();
    private RoutingRuleSet _indexed = null!;
    private RoutingRuleSet _scan = null!;
    private RoutingRequest[] _requests = [];
    private int _next;

    [Params(100_000)]
    public int Partners { get; set; }

    /// <summary>
    /// typical: 95 % of partners serve one 3-digit postal area, 4.98 % a 2-digit region, 0.02 % a whole
    /// country (≈ 17 candidates per lead); dense: 80 % / 19 % / 1 % (≈ 126 candidates per lead).
    /// </summary>
    [Params("typical", "dense")]
    public string Density { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20250304);
        var tenant = new TenantId("bench");
        string[] countries = ["DE", "AT", "CH", "FR", "NL", "BE", "IT", "ES", "PL", "CZ"];
        string[] products = ["heat-pumps", "solar", "storage"];
        _load = new PartnerLoadTable();
        var partners = new List<Partner>(Partners);
        for (var i = 0; i < Partners; i++)
        {
            var country = new CountryCode(countries[i % Countries]);
            var roll = random.Next(10_000);
            var (local, regional) = Density == "dense" ? (8_000, 9_900) : (9_500, 9_998);
            string[]? prefixes = roll < local ? [random.Next(1000).ToString("000")] : roll < regional ? [random.Next(100).ToString("00")] : null;
            var partner = new Partner(tenant, new PartnerId($"P-{i:000000}"), $"Partner {i}", random.Next(4) switch { 0 => PartnerTier.Registered, 1 => PartnerTier.Silver, 2 => PartnerTier.Gold, _ => PartnerTier.Platinum })
            {
                Territories = [new Territory(country, prefixes)],
                ProductLines = new HashSet<string>(products.Where(_ => random.Next(3) > 0), StringComparer.OrdinalIgnoreCase),
                Languages = new HashSet<string>(["de", "en"], StringComparer.OrdinalIgnoreCase),
                Capacity = random.Next(5) == 0 ? null : random.Next(5, 30),
                IsActive = random.Next(50) != 0,
            };
            partners.Add(partner);
            _load.Set(partner.Id, random.Next(0, 25), Instant.FromUnixTimeSeconds(1_700_000_000 + random.Next(10_000_000)));
        }

        _network = RoutingNetwork.Build(partners);
        _indexed = RoutingRuleSet.Create("six").InTerritory().SellingProductLine().SpeakingLanguage().WithinCapacity().ScoreByLoad().PickHighestScore().Build();
        _scan = RoutingRuleSet.Create("six-scan").Filter(new ScanTerritory()).SellingProductLine().SpeakingLanguage().WithinCapacity().ScoreByLoad().PickHighestScore().Build();
        var now = Instant.FromUtc(2025, 3, 4, 10, 0);
        _requests = [.. Enumerable.Range(0, 1024).Select(i => new RoutingRequest(
            new LeadId($"L-{i}"),
            new LeadDetails
            {
                Source = "web",
                Location = new LeadLocation(new CountryCode(countries[i % Countries]), random.Next(100_000).ToString("00000")),
                ProductInterest = products[i % products.Length],
                Language = "de",
            },
            now) { Seed = i })];
        var candidates = _requests.Select(r => _indexed.Route(r, _network, _load).Trace.Steps[0].CandidatesAfter).Order().ToArray();
        Console.WriteLine($"// {Density}: median candidates per lead {candidates[candidates.Length / 2]} of {Partners} partners");
    }

    [Benchmark(Baseline = true, Description = "scan all partners")]
    public RoutingDecision Scan() => _scan.Route(_requests[_next++ & 1023], _network, _load);

    [Benchmark(Description = "territory index")]
    public RoutingDecision Indexed() => _indexed.Route(_requests[_next++ & 1023], _network, _load);

    /// <summary>The territory check without the index: a filter over every partner.</summary>
    private sealed class ScanTerritory : IRoutingFilter
    {
        private readonly TerritoryRule _rule = new();

        public string Kind => "territoryScan";

        public string Description => Kind;

        public FilterVerdict Check(Partner partner, RoutingContext context) => _rule.Check(partner, context);
    }
}
