using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Kpis;

/// <summary>
/// Partner KPIs for a network: per partner (<see cref="Partners"/>), the network figures they are
/// shrunk toward (<see cref="Network"/>), and the ranking (<see cref="Scorecard"/>). Pure: compute
/// it from offers, opportunity histories and the open pipeline with <see cref="Compute"/>, or
/// from the stores with <see cref="FromStoresAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var report = await PartnerKpiReport.FromStoresAsync(leads, opportunities, partners, AccessScope.Manufacturer(tenant),
///     new PartnerKpiOptions(CurrencyCode.EUR, clock.GetCurrentInstant()));
/// double score = report.Scorecard.ScoreOf(partnerId); // 0..1, for routing
/// </code>
/// </example>
public sealed class PartnerKpiReport
{
    private readonly Dictionary<PartnerId, PartnerKpis> _byPartner;

    private PartnerKpiReport(IReadOnlyList<PartnerKpis> partners, NetworkKpis network, PartnerScorecard scorecard)
    {
        Partners = partners;
        Network = network;
        Scorecard = scorecard;
        _byPartner = partners.ToDictionary(p => p.Partner);
    }

    /// <summary>Per partner, ordered by partner id.</summary>
    public IReadOnlyList<PartnerKpis> Partners { get; }

    /// <summary>The network figures.</summary>
    public NetworkKpis Network { get; }

    /// <summary>The ranking.</summary>
    public PartnerScorecard Scorecard { get; }

    /// <summary>The KPIs of one partner, if it appears.</summary>
    public PartnerKpis? Find(PartnerId partner) => _byPartner.GetValueOrDefault(partner);

    /// <summary>Computes the report.</summary>
    /// <param name="offers">Lead offers (see <see cref="LeadOffers"/>).</param>
    /// <param name="opportunities">Opportunity histories (open and closed) for win rate, deal size and lead → won conversion.</param>
    /// <param name="options">Currency, "now", priors and weights.</param>
    /// <param name="partners">Known partners (their calendars give business time; partners without data are listed too).</param>
    /// <param name="openPipeline">The open pipeline for open and weighted pipeline per partner; null for zero.</param>
    /// <exception cref="ArgumentOutOfRangeException">A prior strength is not positive or weights are invalid.</exception>
    public static PartnerKpiReport Compute(IEnumerable<LeadOffer> offers, IEnumerable<OpportunityHistory> opportunities, PartnerKpiOptions options, IEnumerable<Partner>? partners = null, PipelineSnapshot? openPipeline = null)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RatePriorStrength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SamplePriorStrength);
        options.Weights.Validate();

        var offerList = offers.ToList();
        var histories = opportunities.ToList();
        var known = (partners ?? []).ToDictionary(p => p.Id);
        var outcomeOf = histories.ToDictionary(h => h.Id, h => h.Outcome);
        var pipeline = PipelineByPartner(openPipeline, options);
        var ids = offerList.Select(o => o.Partner).Concat(histories.Select(h => h.Partner)).Concat(known.Keys).Concat(pipeline.Keys)
            .Distinct().OrderBy(p => p.Value, StringComparer.Ordinal).ToList();

        // Raw facts per partner.
        var facts = ids.ToDictionary(id => id, id => new Facts());
        foreach (var offer in offerList)
        {
            var f = facts[offer.Partner];
            f.Offers.Add(offer);
            if (offer.Outcome == OfferOutcome.Accepted && offer.OfferedAt is { } offered && offer.RespondedAt is { } responded)
            {
                var calendar = known.TryGetValue(offer.Partner, out var partner) ? partner.Calendar : options.DefaultCalendar;
                f.Wall.Add(responded - offered);
                f.Business.Add(calendar.WorkingTimeBetween(offered, responded));
            }

            if (offer.Outcome == OfferOutcome.Accepted)
            {
                var outcome = offer.ConvertedTo is { } o && outcomeOf.TryGetValue(o, out var kind) ? kind : (StageKind?)null;
                if (outcome is StageKind.Won or StageKind.Lost || (offer.ConvertedTo is null && offer.ClosedWithoutOpportunity))
                {
                    f.ConversionDecided++;
                    f.ConversionWon += outcome == StageKind.Won ? 1 : 0;
                }
            }

            if (offer.Deadline is not null || offer.Outcome == OfferOutcome.Expired)
            {
                f.SlaTracked++;
                f.SlaBreaches += offer.BreachedSla(options.AsOf) ? 1 : 0;
            }
        }

        foreach (var h in histories.Where(h => h.Outcome != StageKind.Open))
        {
            var f = facts[h.Partner];
            if (h.Outcome == StageKind.Won)
            {
                f.Won.Add(new WonAmount(h.Amount, RateDate(h, options)));
            }
            else
            {
                f.Lost++;
            }
        }

        // Network figures.
        var all = facts.Values.ToList();
        var network = new NetworkKpis(
            offerList.Count,
            Pooled(all.Sum(f => f.Accepted), all.Sum(f => f.Decided)),
            Pooled(all.Sum(f => f.SlaBreaches), all.Sum(f => f.SlaTracked)),
            Pooled(all.Sum(f => f.ConversionWon), all.Sum(f => f.ConversionDecided)),
            Pooled(all.Sum(f => f.Won.Count), all.Sum(f => f.Won.Count + f.Lost)),
            MedianOf(all.SelectMany(f => f.Business)),
            MedianOf(all.SelectMany(f => f.Wall)),
            Round(Average(all.SelectMany(f => f.Won), options), options));
        var networkMeanDeal = Average(all.SelectMany(f => f.Won), options);

        var k = options.RatePriorStrength;
        var kpis = ids.Select(id =>
        {
            var f = facts[id];
            var average = Average(f.Won, options);
            pipeline.TryGetValue(id, out var open);
            return new PartnerKpis
            {
                Partner = id,
                LeadsReceived = f.Offers.Count,
                Accepted = f.Accepted,
                Rejected = f.Count(OfferOutcome.Rejected),
                RejectedByReason = f.Offers.Where(o => o.Outcome == OfferOutcome.Rejected)
                    .GroupBy(o => o.RejectionReason?.Trim() ?? string.Empty, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                Expired = f.Count(OfferOutcome.Expired),
                Pending = f.Count(OfferOutcome.Pending),
                AcceptanceRate = ShrunkRate.Create(f.Accepted, f.Decided, network.AcceptanceRate, k),
                TimeToAcceptBusiness = DurationKpi.Create(f.Business, network.MedianTimeToAcceptBusiness, options.SamplePriorStrength),
                TimeToAcceptWall = DurationKpi.Create(f.Wall, network.MedianTimeToAcceptWall, options.SamplePriorStrength),
                SlaBreaches = f.SlaBreaches,
                SlaBreachRate = ShrunkRate.Create(f.SlaBreaches, f.SlaTracked, network.SlaBreachRate, k),
                Conversion = ShrunkRate.Create(f.ConversionWon, f.ConversionDecided, network.Conversion, k),
                WinRate = ShrunkRate.Create(f.Won.Count, f.Won.Count + f.Lost, network.WinRate, k),
                Won = f.Won.Count,
                Lost = f.Lost,
                AverageDealSize = Round(average, options),
                ShrunkAverageDealSize = networkMeanDeal is { } m
                    ? Money.Round(((f.Won.Count * (average ?? 0m)) + ((decimal)options.SamplePriorStrength * m)) / (f.Won.Count + (decimal)options.SamplePriorStrength), options.Currency)
                    : Round(average, options),
                OpenPipeline = open.Amount ?? Money.Zero(options.Currency),
                WeightedPipeline = open.Weighted ?? Money.Zero(options.Currency),
            };
        }).ToList();

        return new PartnerKpiReport(kpis, network, Rank(kpis, network, options.Weights));
    }

    /// <summary>
    /// Reads every lead and opportunity visible in <paramref name="scope"/> and the tenant's
    /// partners, and computes the report (lead offers from stored leads: see <see cref="LeadOffers.FromLead"/>).
    /// </summary>
    public static async Task<PartnerKpiReport> FromStoresAsync(ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, AccessScope scope, PartnerKpiOptions options, CancellationToken cancellationToken = default)
    {
        var inputs = await ReadStoresAsync(leads, opportunities, partners, scope, cancellationToken).ConfigureAwait(false);
        return inputs.Compute(options);
    }

    /// <summary>What <see cref="FromStoresAsync"/> reads, so a caller can pick the options (e.g. the reporting currency) from the data.</summary>
    internal static async Task<StoredInputs> ReadStoresAsync(ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(opportunities);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(scope);
        var offers = new List<LeadOffer>();
        await foreach (var lead in leads.QueryAsync(scope, LeadQuery.All, cancellationToken).ConfigureAwait(false))
        {
            offers.AddRange(LeadOffers.FromLead(lead));
        }

        var histories = new List<OpportunityHistory>();
        var builder = new PipelineSnapshotBuilder();
        await foreach (var opportunity in opportunities.QueryAsync(scope, OpportunityQuery.All, cancellationToken).ConfigureAwait(false))
        {
            histories.Add(OpportunityHistory.From(opportunity));
            builder.Add(opportunity);
        }

        var known = new List<Partner>();
        await foreach (var partner in partners.ListAsync(scope.Tenant, cancellationToken).ConfigureAwait(false))
        {
            if (scope.Partner is null || scope.Partner == partner.Id)
            {
                known.Add(partner);
            }
        }

        return new StoredInputs([.. offers.Where(o => scope.Partner is null || o.Partner == scope.Partner)], histories, known, builder.Build());
    }

    private static Dictionary<PartnerId, (Money? Amount, Money? Weighted)> PipelineByPartner(PipelineSnapshot? snapshot, PartnerKpiOptions options)
    {
        var result = new Dictionary<PartnerId, (Money?, Money?)>();
        if (snapshot is null)
        {
            return result;
        }

        var report = snapshot.Filter(new PipelineFilter { Won = false })
            .Report(PipelineGrouping.By(PipelineDimension.Partner), options.Currency, options.Rates, options.RateDating, options.AsOf.InUtc().Date);
        foreach (var line in report.Groups)
        {
            result[new PartnerId(line.Key)] = (line.Amount, line.Weighted);
        }

        return result;
    }

    private static PartnerScorecard Rank(List<PartnerKpis> kpis, NetworkKpis network, ScorecardWeights weights)
    {
        var networkMedian = network.MedianTimeToAcceptBusiness;
        double Speed(Duration? shrunk) =>
            networkMedian is not { } m || shrunk is not { } s || m + s == Duration.Zero ? 0.5 : m.BclCompatibleTicks / (double)(m + s).BclCompatibleTicks;
        double Composite(double acceptance, double speed, double sla, double conversion, double winRate) =>
            ((weights.Acceptance * acceptance) + (weights.Speed * speed) + (weights.Sla * sla) + (weights.Conversion * conversion) + (weights.WinRate * winRate)) / weights.Total;

        var scores = kpis.Select(p =>
        {
            var acceptance = p.AcceptanceRate.Estimate;
            var speed = Speed(p.TimeToAcceptBusiness.ShrunkMedian);
            var sla = 1 - p.SlaBreachRate.Estimate;
            var conversion = p.Conversion.Estimate;
            var winRate = p.WinRate.Estimate;
            return new PartnerScore(p.Partner, 0, Composite(acceptance, speed, sla, conversion, winRate), acceptance, speed, sla, conversion, winRate);
        })
        .OrderByDescending(s => s.Score).ThenBy(s => s.Partner.Value, StringComparer.Ordinal)
        .Select((s, i) => s with { Rank = i + 1 })
        .ToList();
        var defaultScore = Composite(network.AcceptanceRate, 0.5, 1 - network.SlaBreachRate, network.Conversion, network.WinRate);
        return new PartnerScorecard(scores, defaultScore);
    }

    private static double Pooled(long successes, long trials) => trials == 0 ? 0.5 : successes / (double)trials;

    private static Duration? MedianOf(IEnumerable<Duration> samples)
    {
        var sorted = samples.OrderBy(d => d).ToArray();
        return sorted.Length == 0 ? null : DurationKpi.Rank(sorted, 0.5);
    }

    private static Money? Round(decimal? amount, PartnerKpiOptions options) => amount is { } a ? Money.Round(a, options.Currency) : null;

    /// <summary>Exact mean amount in the reporting currency: sums per currency and rate date converted once, then divided (not rounded).</summary>
    private static decimal? Average(IEnumerable<WonAmount> amounts, PartnerKpiOptions options)
    {
        var list = amounts.ToList();
        if (list.Count == 0)
        {
            return null;
        }

        var total = list.GroupBy(m => (m.Amount.Currency, m.RateDate))
            .Sum(g => g.Sum(m => m.Amount.Amount) * CurrencyConversion.Rate(g.Key.Currency, options.Currency, options.Rates, g.Key.RateDate));
        return total / list.Count;
    }

    /// <summary>The date a won deal's amount is converted at (<see cref="PartnerKpiOptions.RateDating"/>).</summary>
    private static LocalDate RateDate(OpportunityHistory won, PartnerKpiOptions options) => options.RateDating switch
    {
        ExchangeRateDating.Corporate => options.AsOf.InUtc().Date,
        ExchangeRateDating.CloseMonth => won.StageEnteredAt.InUtc().Date.With(DateAdjusters.StartOfMonth),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.RateDating, $"Unknown {nameof(PartnerKpiOptions.RateDating)}."),
    };

    /// <summary>A won amount and the date it is converted at.</summary>
    private readonly record struct WonAmount(Money Amount, LocalDate RateDate);

    private sealed class Facts
    {
        public List<LeadOffer> Offers { get; } = [];

        public List<Duration> Business { get; } = [];

        public List<Duration> Wall { get; } = [];

        public List<WonAmount> Won { get; } = [];

        public int Lost { get; set; }

        public int ConversionWon { get; set; }

        public int ConversionDecided { get; set; }

        public int SlaBreaches { get; set; }

        public int SlaTracked { get; set; }

        public int Accepted => Count(OfferOutcome.Accepted);

        public int Decided => Accepted + Count(OfferOutcome.Rejected) + Count(OfferOutcome.Expired);

        public int Count(OfferOutcome outcome) => Offers.Count(o => o.Outcome == outcome);
    }

    /// <summary>The offers, opportunity histories, partners and open pipeline read from the stores.</summary>
    internal sealed record StoredInputs(IReadOnlyList<LeadOffer> Offers, IReadOnlyList<OpportunityHistory> Histories, IReadOnlyList<Partner> Partners, PipelineSnapshot Pipeline)
    {
        /// <summary>Computes the report from these inputs.</summary>
        public PartnerKpiReport Compute(PartnerKpiOptions options) => PartnerKpiReport.Compute(Offers, Histories, options, Partners, Pipeline);
    }
}
