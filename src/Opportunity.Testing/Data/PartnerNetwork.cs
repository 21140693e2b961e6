using System.Globalization;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Testing.Data;

/// <summary>
/// A seeded, generated partner network with open opportunities in the default pipeline, for tests,
/// benchmarks and samples. Partner sizes are Zipf-skewed (a few large partners, a long tail), each
/// partner sells in one home currency and region, stages follow a realistic mix, close dates spread
/// over several quarters, and a share of deals override their probability or forecast category.
/// Deals are generated partner by partner from a per-partner seed, so every view of the network
/// (<see cref="ToSnapshot"/>, <see cref="Opportunities"/>, <see cref="Rows"/>) sees the same deals,
/// and <see cref="ToSnapshot"/> creates no object per deal: 10,000,000 deals take seconds.
/// </summary>
/// <example>
/// <code>
/// var network = PartnerNetwork.Generate(PartnerNetworkSpec.Large);
/// var snapshot = network.ToSnapshot();
/// var totals = snapshot.Group(PipelineDimension.Partner, PipelineDimension.Stage);
/// </code>
/// </example>
public sealed class PartnerNetwork
{
    private static readonly int[] OverrideChoices = [.. Enumerable.Range(1, 19).Select(i => i * 500)];
    private static readonly ForecastCategory[] CategoryChoices = [ForecastCategory.Pipeline, ForecastCategory.BestCase, ForecastCategory.Commit, ForecastCategory.Omitted];

    private readonly int[] _counts;
    private readonly int[] _currency;
    private readonly int[] _region;
    private readonly CurrencyCode[] _currencies;
    private readonly string[] _regions;
    private readonly string[] _products;
    private readonly LocalDate[] _closeDates;
    private readonly Stage[] _stages;

    private PartnerNetwork(PartnerNetworkSpec spec)
    {
        Spec = spec;
        var p = spec.Partners;
        PartnerIds = [.. Enumerable.Range(1, p).Select(i => new PartnerId("P" + i.ToString("D6", CultureInfo.InvariantCulture)))];
        _currencies = [.. spec.Currencies.Select(c => c.Currency).Distinct().OrderBy(c => c.Code, StringComparer.Ordinal)];
        _regions = [.. spec.Regions.Distinct().OrderBy(r => r, StringComparer.Ordinal)];
        _products = [.. spec.ProductLines.Distinct().OrderBy(r => r, StringComparer.Ordinal)];
        _stages = [.. PipelineDefinition.Default.OpenStages];
        var end = spec.FirstCloseDate.PlusMonths(3 * spec.Quarters);
        _closeDates = [.. Enumerable.Range(0, Period.Between(spec.FirstCloseDate, end, PeriodUnits.Days).Days).Select(d => spec.FirstCloseDate.PlusDays(d))];

        var random = new Random(spec.Seed);
        _currency = new int[p];
        _region = new int[p];
        var currencyShares = spec.Currencies.Select(c => (Index: Array.IndexOf(_currencies, c.Currency), c.Share)).ToArray();
        for (var i = 0; i < p; i++)
        {
            _currency[i] = Pick(random, currencyShares.Select(c => c.Share).ToArray(), currencyShares.Select(c => c.Index).ToArray());
            _region[i] = random.Next(_regions.Length);
        }

        // Zipf sizes by rank, ranks shuffled over partner ids; remainders to the largest fractions.
        var ranks = Enumerable.Range(1, p).ToArray();
        random.Shuffle(ranks);
        var weights = ranks.Select(r => 1.0 / Math.Pow(r, spec.SizeSkew)).ToArray();
        var total = weights.Sum();
        _counts = new int[p];
        var fractions = new (double Fraction, int Partner)[p];
        var assigned = 0L;
        for (var i = 0; i < p; i++)
        {
            var exact = spec.OpenOpportunities * weights[i] / total;
            _counts[i] = (int)Math.Floor(exact);
            assigned += _counts[i];
            fractions[i] = (exact - _counts[i], i);
        }

        Array.Sort(fractions, (a, b) => b.Fraction != a.Fraction ? b.Fraction.CompareTo(a.Fraction) : a.Partner.CompareTo(b.Partner));
        for (var k = 0; assigned < spec.OpenOpportunities; k = (k + 1) % p, assigned++)
        {
            _counts[fractions[k].Partner]++;
        }
    }

    /// <summary>The spec it was generated from.</summary>
    public PartnerNetworkSpec Spec { get; }

    /// <summary>Partner ids <c>P000001</c>, <c>P000002</c>, … (ordinal order).</summary>
    public IReadOnlyList<PartnerId> PartnerIds { get; }

    /// <summary>Total number of open deals.</summary>
    public int OpportunityCount => Spec.OpenOpportunities;

    /// <summary>Generates a network.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Counts, shares or ranges out of range.</exception>
    public static PartnerNetwork Generate(PartnerNetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Partners, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(spec.OpenOpportunities);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Quarters, 1);
        if (spec.Currencies.Count == 0 || spec.Regions.Count == 0 || spec.ProductLines.Count == 0 || spec.StageMix.Count != 4)
        {
            throw new ArgumentException("A network needs currencies, regions, product lines and four stage shares.", nameof(spec));
        }

        if (spec.AmountRange.Min <= 0 || spec.AmountRange.Max < spec.AmountRange.Min)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.AmountRange, "Amounts must be positive with Min ≤ Max.");
        }

        return new PartnerNetwork(spec);
    }

    /// <summary>Number of open deals of a partner.</summary>
    public int OpportunityCountOf(int partnerIndex) => _counts[partnerIndex];

    /// <summary>A partner's home currency.</summary>
    public CurrencyCode CurrencyOf(int partnerIndex) => _currencies[_currency[partnerIndex]];

    /// <summary>A partner's region.</summary>
    public string RegionOf(int partnerIndex) => _regions[_region[partnerIndex]];

    /// <summary>
    /// The open deals as a snapshot, written straight into the columns (no object per deal).
    /// Deals are generated partner by partner in stage order, which is the snapshot's own layout,
    /// so nothing is re-sorted.
    /// </summary>
    public PipelineSnapshot ToSnapshot(PipelineSnapshotOptions? options = null)
    {
        var builder = new PipelineSnapshotBuilder(options, Spec.OpenOpportunities);
        foreach (var partner in PartnerIds)
        {
            builder.InternPartner(partner);
        }

        var currencyCodes = _currencies.Select(builder.InternCurrency).ToArray();
        var regionCodes = _regions.Select(builder.InternRegion).ToArray();
        var productCodes = _products.Select(builder.InternProductLine).ToArray();
        var stageCodes = _stages.Select(s => builder.InternStage(s.Name)).ToArray();
        var buffer = new RawRow[Math.Max(1, _counts.Max())];
        for (var p = 0; p < PartnerIds.Count; p++)
        {
            var n = GenerateRows(p, buffer);
            var currency = currencyCodes[_currency[p]];
            var region = regionCodes[_region[p]];
            for (var i = 0; i < n; i++)
            {
                ref var row = ref buffer[i];
                var stage = _stages[row.Stage];
                builder.Add(
                    p,
                    row.AmountMinor,
                    row.OverrideBasisPoints >= 0 ? Probability.FromBasisPoints(row.OverrideBasisPoints) : stage.DefaultProbability,
                    stageCodes[row.Stage],
                    row.CategoryOverride >= 0 ? (ForecastCategory)row.CategoryOverride : stage.ForecastCategory,
                    currency,
                    _closeDates[row.CloseDay],
                    region,
                    productCodes[row.Product]);
            }
        }

        return builder.Build();
    }

    /// <summary>The open deals as plain values, partner by partner (the same deals as <see cref="ToSnapshot"/>).</summary>
    public IEnumerable<GeneratedOpportunity> Opportunities()
    {
        var buffer = new RawRow[Math.Max(1, _counts.Max())];
        for (var p = 0; p < PartnerIds.Count; p++)
        {
            var n = GenerateRows(p, buffer);
            var partner = PartnerIds[p];
            var currency = _currencies[_currency[p]];
            var number = (p + 1).ToString("D6", CultureInfo.InvariantCulture);
            for (var i = 0; i < n; i++)
            {
                var row = buffer[i];
                yield return new GeneratedOpportunity(
                    "O" + number + "-" + (i + 1).ToString("D6", CultureInfo.InvariantCulture),
                    p,
                    partner,
                    Money.FromMinorUnits(row.AmountMinor, currency),
                    _stages[row.Stage],
                    row.OverrideBasisPoints >= 0 ? Probability.FromBasisPoints(row.OverrideBasisPoints) : null,
                    row.CategoryOverride >= 0 ? (ForecastCategory)row.CategoryOverride : null,
                    _closeDates[row.CloseDay],
                    _regions[_region[p]],
                    _products[row.Product]);
            }
        }
    }

    /// <summary>The open deals as pipeline rows (pure mode).</summary>
    public IEnumerable<PipelineRow> Rows() => Opportunities().Select(o =>
        new PipelineRow(o.Partner, o.Amount, o.Stage.Name, o.Probability, o.Category, o.ExpectedClose) { Region = o.Region, ProductLine = o.ProductLine });

    /// <summary>The partners of the network as domain objects of <paramref name="tenant"/>.</summary>
    public IEnumerable<Partner> Partners(TenantId tenant) => PartnerIds.Select((id, p) => new Partner(tenant, id, "Partner " + id.Value, PartnerTier.Registered)
    {
        ProductLines = new HashSet<string>(_products, StringComparer.OrdinalIgnoreCase),
    });

    /// <summary>
    /// The open deals as <see cref="SalesOpportunity"/> aggregates of <paramref name="tenant"/>, opened
    /// at the clock's current instant (suitable for small networks: each aggregate holds its history).
    /// </summary>
    public IEnumerable<SalesOpportunity> OpenOpportunities(TenantId tenant, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Opportunities().Select(o => SalesOpportunity.Open(tenant, new OpportunityId(o.Id), o.ToDraft(), PipelineDefinition.Default, "generator", clock));
    }

    /// <summary>Generates partner <paramref name="p"/>'s deals into <paramref name="buffer"/> in stage order; returns how many.</summary>
    private int GenerateRows(int p, RawRow[] buffer)
    {
        var n = _counts[p];
        var random = new Random(unchecked((Spec.Seed * 1_000_003) + p));
        var digits = _currencies[_currency[p]].MinorUnitDigits;
        var scale = (long)Math.Pow(10, digits);
        var lnMin = Math.Log((double)Spec.AmountRange.Min);
        var lnMax = Math.Log((double)Spec.AmountRange.Max);
        var mix = Spec.StageMix;
        Span<int> perStage = stackalloc int[4];
        Span<RawRow> scratch = n <= 256 ? stackalloc RawRow[n] : new RawRow[n];
        for (var i = 0; i < n; i++)
        {
            var u = random.NextDouble();
            var stage = u < mix[0] ? 0 : u < mix[0] + mix[1] ? 1 : u < mix[0] + mix[1] + mix[2] ? 2 : 3;
            perStage[stage]++;
            scratch[i] = new RawRow
            {
                Stage = stage,
                AmountMinor = (long)Math.Round(Math.Exp(lnMin + (random.NextDouble() * (lnMax - lnMin)))) * scale,
                OverrideBasisPoints = random.NextDouble() < Spec.ProbabilityOverrideShare ? OverrideChoices[random.Next(OverrideChoices.Length)] : -1,
                CategoryOverride = random.NextDouble() < Spec.CategoryOverrideShare ? (int)CategoryChoices[random.Next(CategoryChoices.Length)] : -1,
                CloseDay = random.Next(_closeDates.Length),
                Product = random.Next(_products.Length),
            };
        }

        // Stable counting sort by stage: the snapshot's clustering within a partner.
        Span<int> next = stackalloc int[4];
        next[1] = perStage[0];
        next[2] = next[1] + perStage[1];
        next[3] = next[2] + perStage[2];
        for (var i = 0; i < n; i++)
        {
            buffer[next[scratch[i].Stage]++] = scratch[i];
        }

        return n;
    }

    private static int Pick(Random random, double[] shares, int[] values)
    {
        var u = random.NextDouble() * shares.Sum();
        for (var i = 0; i < shares.Length; i++)
        {
            u -= shares[i];
            if (u < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }

    private struct RawRow
    {
        public long AmountMinor;
        public int Stage;
        public int OverrideBasisPoints;
        public int CategoryOverride;
        public int CloseDay;
        public int Product;
    }
}
