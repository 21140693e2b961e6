using System.Globalization;
using NodaTime;
using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Kpis;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using PartnerPipeline.Cli;

namespace PartnerPipeline.Reports;

/// <summary>Reads the database through the library's engines and turns the results into the report's numbers.</summary>
internal static class ReportBuilder
{
    /// <summary>The quarter's target the forecast is measured against (in the reporting currency): the manufacturer's plan for the default sample network.</summary>
    public const decimal DefaultQuarterTarget = 5_800_000m;

    /// <summary>The quarter a report as of <paramref name="asOf"/> forecasts: the one containing that day.</summary>
    public static ForecastPeriod QuarterOf(Instant asOf) => FiscalCalendar.CalendarYear.QuarterOf(asOf.InUtc().Date);

    /// <summary>
    /// The report in the reporting currency <paramref name="currencies"/> resolves for the data (the
    /// data's own when it has one). A <paramref name="target"/> (in that currency) is saved as the
    /// quarter's network target; without one the stored target is used, else
    /// <see cref="DefaultQuarterTarget"/>. Records the quarter's forecast in <paramref name="snapshots"/>.
    /// Both are written only when the whole report has been computed.
    /// </summary>
    /// <exception cref="UsageException">Mixed currencies without --currency, a currency without a rate into it, or a stored target in another currency.</exception>
    public static async Task<ReportModel> BuildAsync(TenantId tenant, ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, IOutboxStore outbox, PipelineCatalog pipelines, IForecastSnapshotStore snapshots, ISalesTargetStore targets, Instant asOf, decimal? target, CurrencyOptions currencies, ulong seed)
    {
        var scope = AccessScope.Manufacturer(tenant);
        var snapshot = await PipelineSnapshot.FromStoreAsync(opportunities, scope, new PipelineSnapshotOptions { Pipelines = pipelines });
        var currency = currencies.Resolve(snapshot.Currencies);
        var quarter = QuarterOf(asOf);
        var planned = target is { } given
            ? new SalesTarget(quarter, new Money(given, currency))
            : await targets.FindTargetAsync(tenant, quarter) ?? new SalesTarget(quarter, new Money(DefaultQuarterTarget, currency));
        if (planned.Amount.Currency != currency)
        {
            throw new UsageException($"the stored target of {quarter.Label} is in {planned.Amount.Currency.Code}; report with --currency {planned.Amount.Currency.Code} or set a new --target in {currency.Code}");
        }

        ReportModel model;
        ForecastSnapshot recorded;
        try
        {
            (model, recorded) = await BuildAsync(tenant, leads, opportunities, partners, outbox, snapshot, asOf, planned, currencies.Rates(currency), currencies.Dating, seed);
        }
        catch (ExchangeRateNotFoundException ex)
        {
            throw currencies.MissingRate(ex, currency, snapshot.Currencies);
        }

        // Written only once the whole report is computed: a report that fails (a missing rate) leaves
        // the database as it was, not holding a target or snapshot nobody saw.
        if (target is not null)
        {
            await targets.SaveTargetAsync(tenant, planned);
        }

        await snapshots.SaveAsync(tenant, recorded);
        return model;
    }

    private static async Task<(ReportModel Model, ForecastSnapshot Recorded)> BuildAsync(TenantId tenant, ILeadStore leads, IOpportunityStore opportunities, IPartnerDirectory partners, IOutboxStore outbox, PipelineSnapshot snapshot, Instant asOf, SalesTarget target, IExchangeRateProvider? rates, ExchangeRateDating dating, ulong seed)
    {
        var scope = AccessScope.Manufacturer(tenant);
        var currency = target.Amount.Currency;

        // Pipeline by stage, in the pipeline's stage order.
        var byStage = snapshot.Report(PipelineGrouping.By(PipelineDimension.Stage), currency, rates, dating);
        var stages = PipelineDefinition.Default.OpenStages
            .Select(s => byStage.Groups.FirstOrDefault(g => g.Key == s.Name) is { } line
                ? new StageRow(s.Name, (int)line.Count, line.Amount.Amount, line.Weighted.Amount)
                : new StageRow(s.Name, 0, 0m, 0m))
            .ToList();

        // The coming quarter (the one that starts at or contains the as-of date) as a distribution, against its target.
        var today = asOf.InUtc().Date;
        var next = target.Period;
        var vsTarget = ForecastVsTarget.Compute(snapshot, target, new ForecastOptions { Period = next, Currency = currency, Rates = rates, RateDating = dating, Seed = seed });

        // Kept, so that once the quarter has closed ForecastAccuracy can say how good this forecast was.
        var recorded = ForecastSnapshot.Take(snapshot, next, today, currency, new ForecastOptions { Rates = rates, RateDating = dating, Seed = seed });
        var forecast = vsTarget.Forecast;
        var forecastView = new ForecastView(
            next.Label,
            forecast.Expected.Amount,
            forecast.P10.Amount,
            forecast.P50.Amount,
            forecast.P90.Amount,
            target.Amount.Amount,
            vsTarget.Coverage,
            (decimal)Math.Round(vsTarget.ProbabilityOfReaching, 4),
            Histogram(forecast));

        // Partner scorecard: the five best and the five worst by the composite score.
        var kpis = await PartnerKpiReport.FromStoresAsync(leads, opportunities, partners, scope, new PartnerKpiOptions(currency, asOf) { Rates = rates });
        var names = new Dictionary<PartnerId, string>();
        var network = new List<Partner>();
        await foreach (var partner in partners.ListAsync(tenant))
        {
            names[partner.Id] = partner.Name;
            network.Add(partner);
        }

        var ranked = kpis.Scorecard.Ranked;
        var shown = ranked.Take(5).Concat(ranked.Skip(Math.Max(5, ranked.Count - 5))).ToList();
        var scorecard = shown.Select(s =>
        {
            var k = kpis.Find(s.Partner)!;
            return new ScorecardRow(s.Partner.Value, names.GetValueOrDefault(s.Partner, s.Partner.Value), k.LeadsReceived, Observed(k.AcceptanceRate),
                Format(k.TimeToAcceptBusiness.Median), Observed(k.Conversion), (decimal)s.Score);
        }).ToList();

        var rollup = DistributorRollup(snapshot.Report(PipelineGrouping.By(PipelineDimension.Partner), currency, rates, dating), PartnerHierarchy.Of(network));
        return (new ReportModel($"Partner pipeline — as of {today:yyyy-MM-dd}", currency.Code, stages, forecastView, scorecard, [.. await StatisticsAsync(leads, outbox, scope), .. rollup]), recorded);
    }

    /// <summary>
    /// Two tiers: each distributor's weighted pipeline with that of its resellers (docs/channel.md), in
    /// the reporting currency: the sum of the subtree's lines of <c>forecast --by partner</c>, so deals
    /// in other currencies are converted as everywhere else and each distributor gets one line.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string>> DistributorRollup(PipelineReport byPartner, PartnerHierarchy hierarchy)
    {
        var weighted = byPartner.Groups.ToDictionary(line => line.Key, line => line.Weighted.Amount, StringComparer.Ordinal);
        return hierarchy.Partners
            .Where(p => hierarchy.Parent(p) is null && hierarchy.Children(p).Count > 0)
            .Select(p => (Root: p, Subtree: hierarchy.Descendants(p).Prepend(p).ToList()))
            .Where(d => d.Subtree.Any(p => weighted.ContainsKey(p.Value)))
            .Select(d => new KeyValuePair<string, string>(
                $"Distributor {d.Root} (+{d.Subtree.Count - 1} resellers) weighted",
                d.Subtree.Sum(p => weighted.GetValueOrDefault(p.Value)).ToString("N0", CultureInfo.InvariantCulture)));
    }

    // A rate of a partner with no trials is only the prior (50 % acceptance for a partner that never
    // got a lead): the report says "no data" instead.
    private static decimal? Observed(ShrunkRate rate) => rate.Trials == 0 ? null : (decimal)rate.Estimate;

    private static readonly string[] CountedEvents =
    [
        "LeadAssigned", "LeadAccepted", "LeadRejected", "AcceptanceReminderDue", "LeadEscalated", "LeadRecalled", "LeadUnroutable",
        "LeadDuplicateDetected", "FollowUpRequested", "OpportunityStageChanged", "OpportunityClosed",
        "LeadRecycled", "LeadRecycledFromDeal", "SalesActivityRecorded",
        "DealRegistered", "DealRegistrationApproved", "DealRegistrationRejected", "DealRegistrationExpiring", "DealRegistrationExpired",
    ];

    /// <summary>Counts of lead states and of the domain events in the outbox: what routing and escalation did.</summary>
    private static async Task<IReadOnlyList<KeyValuePair<string, string>>> StatisticsAsync(ILeadStore leads, IOutboxStore outbox, AccessScope scope)
    {
        var events = (await outbox.ListPendingAsync()).Where(m => m.Tenant == scope.Tenant).GroupBy(m => m.Type).ToDictionary(g => g.Key, g => g.Count());
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var lead in leads.QueryAsync(scope, LeadQuery.All))
        {
            var key = lead.State.ToString();
            states[key] = states.GetValueOrDefault(key) + 1;
        }

        return
        [
            .. states.Select(s => new KeyValuePair<string, string>($"Leads now {s.Key}", s.Value.ToString("N0", CultureInfo.InvariantCulture))),
            .. CountedEvents.Select(e => new KeyValuePair<string, string>($"{e} events", events.GetValueOrDefault(e).ToString("N0", CultureInfo.InvariantCulture))),
        ];
    }

    private static List<HistogramBin> Histogram(Forecast forecast)
    {
        const int bins = 24;
        var low = forecast.Quantile(0.005).Amount;
        var high = forecast.Quantile(0.995).Amount;
        if (high <= low)
        {
            return [new HistogramBin(low, low + 1, forecast.Trials)];
        }

        var width = (high - low) / bins;
        var result = new List<HistogramBin>(bins);
        for (var i = 0; i < bins; i++)
        {
            var from = low + (i * width);
            var to = i == bins - 1 ? high : from + width;
            // P(total ≥ from) − P(total ≥ to): the share of trials in [from, to).
            var share = forecast.ProbabilityOfReaching(new Money(decimal.Round(from, 2), forecast.Currency)) - forecast.ProbabilityOfReaching(new Money(decimal.Round(to, 2), forecast.Currency));
            result.Add(new HistogramBin(decimal.Round(from, 2), decimal.Round(to, 2), (int)Math.Round(share * forecast.Trials)));
        }

        return result;
    }

    private static string Format(Duration? duration) => duration is not { } d
        ? "—"
        : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h {d.Minutes:00}m" : $"{d.Minutes}m";
}
