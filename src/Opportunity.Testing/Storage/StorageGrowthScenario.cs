using System.Globalization;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Testing.Storage;

/// <summary>
/// The workload behind the storage figures of docs/persistence.md: a seeded partner network shaped
/// like the sample's (seven countries, postal-prefix territories, four product lines, capacities by
/// tier), leads captured, qualified and routed with the sample's rules
/// (<see cref="SampleRoutingRules"/>), each lead and decision written through the ports, every event
/// fanned out to a webhook-like host and the people templates address, delivered, and finally purged
/// after the dispatcher's retention. Run it against a store, then measure the store's tables
/// (SQLite <c>dbstat</c>, PostgreSQL <c>pg_total_relation_size</c>).
/// </summary>
public static class StorageGrowthScenario
{
    /// <summary>The sample's <c>samples/PartnerPipeline/routing-rules.json</c>.</summary>
    public const string SampleRoutingRules = """
        {
          "name": "sample-network",
          "version": "2026-Q3",
          "filters": [
            { "kind": "territory" },
            { "kind": "excludePrevious" },
            { "kind": "active" },
            { "kind": "productLine" },
            { "kind": "language" },
            { "kind": "capacity" }
          ],
          "scorers": [
            { "kind": "loadBalancing", "weight": 1 },
            { "kind": "tier", "weight": 0.5, "weights": { "Registered": 1, "Silver": 2, "Gold": 3, "Platinum": 4 } }
          ],
          "selector": { "kind": "highestScore" }
        }
        """;

    private static readonly string[] ProductLines = ["heat-pumps", "solar", "storage", "ventilation"];
    private static readonly (string Country, string Language, int Weight)[] Markets =
        [("DE", "de", 40), ("AT", "de", 10), ("CH", "de", 8), ("FR", "fr", 15), ("NL", "nl", 10), ("GB", "en", 12), ("AU", "en", 5)];

    /// <summary>The tenant the scenario writes.</summary>
    public static TenantId Tenant { get; } = new("acme-heating");

    /// <summary>
    /// Routes <paramref name="leads"/> leads among <paramref name="partners"/> partners into the stores,
    /// delivers every notification, advances <paramref name="clock"/> past the retention and purges.
    /// Returns how many leads were assigned to a partner (the rest were unroutable, also logged).
    /// With <paramref name="as010"/> it stores what 0.1.0 stored, for the "before" figures: each
    /// decision's full printed trace and no summary, and no purge.
    /// </summary>
    public static async Task<int> RunAsync(ILeadStore leadStore, IOutboxStore outbox, IPartnerDirectory directory, IRoutingDecisionLog log, FakeClock clock, int leads, int partners = 300, int seed = 7, bool as010 = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadStore);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(clock);
        var random = new Random(seed);
        var network = BuildPartners(random, partners);
        foreach (var partner in network)
        {
            await directory.UpsertAsync(partner, cancellationToken).ConfigureAwait(false);
        }

        var rules = RoutingRuleSet.FromJson(SampleRoutingRules).Value;
        var routing = RoutingNetwork.Build(network);
        var load = new PartnerLoadTable();
        var open = new Queue<(LeadId Lead, PartnerId Partner)>();
        var options = new NotificationDispatcherOptions { WorkerId = "storage-growth", BatchSize = 1_000, DeliveredRetention = as010 ? null : Duration.FromDays(7) };
        using var dispatcher = new NotificationDispatcher(outbox, directory, [new AcceptingChannel()], options, clock);
        var assigned = 0;
        for (var i = 1; i <= leads; i++)
        {
            clock.Advance(Duration.FromMinutes(1));
            var lead = Lead.Capture(Tenant, new LeadId(string.Create(CultureInfo.InvariantCulture, $"L{i:000000}")), Details(random, i), "web", clock);
            lead.Qualify(LeadQualification.Full, "sales", clock);
            var now = clock.GetCurrentInstant();
            var decision = rules.Route(RoutingRequest.ForLead(lead, now, random.NextInt64()), routing, load);
            if (decision.Partner is { } partner)
            {
                lead.Assign(partner, now + Duration.FromDays(2), "router", clock);
                load.RecordAssignment(partner, now);
                open.Enqueue((lead.Id, partner));
                assigned++;
            }
            else
            {
                lead.MarkUnroutable(decision.UnroutableReason ?? "no partner matched", "router", clock);
            }

            await leadStore.AddAsync(lead, cancellationToken).ConfigureAwait(false);
            if (open.Count > 3 * partners)
            {
                // Partners close leads as new ones come in: about three open each. The store counts open leads
                // against capacity itself (a hard limit), so the closed lead is written, not only forgotten here.
                var (closedId, closedBy) = open.Dequeue();
                var closed = await leadStore.FindAsync(AccessScope.Manufacturer(Tenant), closedId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Lead '{closedId}' was not stored.");
                closed.Disqualify("closed by the partner", "partner", clock);
                await leadStore.UpdateAsync(closed, cancellationToken).ConfigureAwait(false);
                load.RecordRelease(closedBy);
            }

            var record = RoutingDecisionRecord.From(decision);
            await log.AppendAsync(Tenant, as010 ? record with { Summary = null, Explanation = decision.Format() } : record, cancellationToken).ConfigureAwait(false);
            if (i % 1_000 == 0)
            {
                await dispatcher.DispatchDueAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await dispatcher.DispatchDueAsync(cancellationToken).ConfigureAwait(false);
        clock.Advance(Duration.FromDays(7) + Duration.FromMinutes(1));
        while (await dispatcher.PurgeDeliveredAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        return assigned;
    }

    private static List<Partner> BuildPartners(Random random, int count)
    {
        var partners = new List<Partner>(count);
        PartnerTier[] tiers = [PartnerTier.Registered, PartnerTier.Silver, PartnerTier.Gold, PartnerTier.Platinum];
        for (var i = 1; i <= count; i++)
        {
            var market = Pick(random);
            var tier = tiers[random.Next(100) switch { < 45 => 0, < 75 => 1, < 93 => 2, _ => 3 }];
            var prefixes = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 10).ToString(CultureInfo.InvariantCulture)).Distinct().ToList();
            var lines = ProductLines.Where(_ => random.Next(100) < 60).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (lines.Count == 0)
            {
                lines.Add(ProductLines[0]);
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"P{i:000}");
            partners.Add(new Partner(Tenant, new PartnerId(id), $"{market.Country} Partner {id}", tier)
            {
                Territories = [new Territory(new CountryCode(market.Country), prefixes)],
                ProductLines = lines,
                Languages = new HashSet<string>([market.Language, "en"], StringComparer.OrdinalIgnoreCase),
                Capacity = 4 + (tier.Level * 4) + random.Next(6),
                ContactEmail = $"sales@{id.ToLowerInvariant()}.example",
                ChannelManagerEmail = $"channel-{market.Country.ToLowerInvariant()}@acme-heating.example",
            });
        }

        return partners;
    }

    private static LeadDetails Details(Random random, int number)
    {
        var market = Pick(random);
        var company = string.Create(CultureInfo.InvariantCulture, $"Company {number}");
        return new LeadDetails
        {
            Source = random.Next(3) switch { 0 => "trade-fair", 1 => "web-form", _ => "call-centre" },
            Company = company,
            Contact = new LeadContact(string.Create(CultureInfo.InvariantCulture, $"Contact {number}"), string.Create(CultureInfo.InvariantCulture, $"buyer@company-{number}.example"), null),
            Location = new LeadLocation(new CountryCode(market.Country), string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 10)}{random.Next(1000, 9999)}")),
            ProductInterest = ProductLines[random.Next(ProductLines.Length)],
            Language = market.Language,
            EstimatedValue = new Money(Math.Round((decimal)Math.Exp(9 + (1.2 * random.NextDouble())) / 100) * 100, CurrencyCode.EUR),
        };
    }

    private static (string Country, string Language, int Weight) Pick(Random random)
    {
        var roll = random.Next(Markets.Sum(m => m.Weight));
        foreach (var market in Markets)
        {
            roll -= market.Weight;
            if (roll < 0)
            {
                return market;
            }
        }

        return Markets[^1];
    }

    /// <summary>Delivers everything at once: the people the templates address (partner contact, channel manager) and one host, like a CRM webhook.</summary>
    private sealed class AcceptingChannel : INotificationChannel
    {
        private static readonly NotificationRecipient Crm = new("crm", NotificationAudience.Host);

        public string Name => "all";

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<NotificationRecipient>>([.. request.People, Crm]);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default) => Task.FromResult(DeliveryResult.Delivered);
    }
}
