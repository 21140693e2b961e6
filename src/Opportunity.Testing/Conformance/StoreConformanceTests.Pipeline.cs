using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    private static readonly CurrencyCode[] PipelineCurrencies = [CurrencyCode.EUR, CurrencyCode.USD, new("JPY"), new("CHF")];

    /// <summary>Every grouping: the total, each dimension alone and every ordered pair.</summary>
    private static IEnumerable<PipelineGrouping> AllGroupings()
    {
        var dimensions = Enum.GetValues<PipelineDimension>();
        yield return PipelineGrouping.Total;
        foreach (var first in dimensions)
        {
            yield return PipelineGrouping.By(first);
            foreach (var second in dimensions.Where(d => d != first))
            {
                yield return PipelineGrouping.By(first, second);
            }
        }
    }

    /// <summary>
    /// The streamed snapshot (<see cref="PipelineSnapshot.FromStoreAsync"/>) and the push-down
    /// (<see cref="IPipelinePushDown"/>) equal, to the unit, the snapshot computed in memory from the same
    /// deals — for every grouping, for the manufacturer and a partner of one tenant and another tenant,
    /// open only and with closed-won deals, in UTC with a calendar fiscal year and in Europe/Berlin with
    /// an April fiscal year. The deals include closed-won and closed-lost ones whose close instant and
    /// expected close lie in different months, quarters and years (one closes at 23:30 UTC on the last
    /// day of a quarter, which is the next quarter in Berlin), four currencies (one without decimals),
    /// probability and category overrides, and blank regions.
    /// </summary>
    [ConformanceFact]
    public async Task Pipeline_EveryGroupingScopeAndOption_EqualsSnapshotOfTheSameDeals()
    {
        var deals = PipelineDeals(seed: 12, count: 160);
        await StorePipelineDealsAsync(deals);

        await AssertPipelineEqualsSnapshotAsync(deals, AllGroupings());
    }

    /// <summary>Random deal sets (explicit seeds): the streamed snapshot and the push-down equal the in-memory snapshot for representative groupings.</summary>
    [ConformanceFact]
    public async Task Pipeline_RandomDeals_StreamAndPushDownEqualSnapshot()
    {
        PipelineGrouping[] groupings =
        [
            PipelineGrouping.Total,
            PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage),
            PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory),
            PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.CloseMonth),
            PipelineGrouping.By(PipelineDimension.Product, PipelineDimension.Stage),
        ];
        foreach (var seed in new[] { 1, 2, 3 })
        {
            await ResetStoreAsync();
            var deals = PipelineDeals(seed, count: 60);
            await StorePipelineDealsAsync(deals);

            await AssertPipelineEqualsSnapshotAsync(deals, groupings);
        }
    }

    /// <summary>
    /// Thousands of deals, imported at once where the store has an importer: an adapter reading its rows
    /// in pieces (PostgreSQL's COPY stream arrives in buffers, so rows and values are cut across them)
    /// still streams every row exactly, and the push-down agrees.
    /// </summary>
    [ConformanceFact]
    public async Task Pipeline_ThousandsOfDeals_StreamAndPushDownEqualSnapshot()
    {
        var deals = PipelineDeals(seed: 4, count: 3_000);
        await StorePipelineDealsAsync(deals, importAll: true);

        await AssertPipelineEqualsSnapshotAsync(deals, [PipelineGrouping.Total, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage), PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.CloseMonth), PipelineGrouping.By(PipelineDimension.Product)]);
    }

    /// <summary>Closed-lost deals never count, and a closed-won deal is dated by the day it closed, not by its expected close.</summary>
    [ConformanceFact]
    public async Task Pipeline_ClosedDeals_WonDatedByClosingLostNeverCounted()
    {
        var won = PipelineDeal(TenantA, "won", P1, 1_000_00, CurrencyCode.EUR, "Closed won", new LocalDate(2025, 12, 15), Instant.FromUtc(2025, 2, 10, 12, 0));
        var lost = PipelineDeal(TenantA, "lost", P1, 7_000_00, CurrencyCode.EUR, "Closed lost", new LocalDate(2025, 2, 15), Instant.FromUtc(2025, 2, 11, 12, 0));
        var open = PipelineDeal(TenantA, "open", P1, 500_00, CurrencyCode.EUR, "Proposal", new LocalDate(2025, 2, 20), null);
        await StorePipelineDealsAsync([won, lost, open]);
        var options = new PipelineSnapshotOptions { IncludeClosedWon = true, Pipelines = Pipelines };
        var scope = AccessScope.Manufacturer(TenantA);

        var snapshot = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, options);
        using var byMonth = snapshot.Group(PipelineDimension.CloseMonth);

        var february = Assert.Single(byMonth.Groups);
        Assert.Equal("2025-02", february.First);
        Assert.Equal(2, february.Count);
        Assert.Equal(1_500_00, february.AmountMinorUnits);
        if (Store.PushDown is { } pushDown)
        {
            var pushed = Assert.Single(await pushDown.AggregatePipelineAsync(scope, PipelineGrouping.By(PipelineDimension.CloseMonth), options));
            Assert.Equal(february, pushed);
        }
    }

    /// <summary>Half-cent ties are summed exactly and rounded once, half to even, at the end: 0.05 EUR at 50% alone gives 0.02; three of them 0.075 → 0.08.</summary>
    [ConformanceFact]
    public async Task Pipeline_HalfCentTies_SummedExactlyAndRoundedHalfToEvenOnce()
    {
        var half = Probability.FromPercent(50);
        List<SalesOpportunity> deals =
        [
            PipelineDeal(TenantA, "single", P1, 5, CurrencyCode.EUR, "Proposal", new LocalDate(2025, 6, 1), null, half),
            .. Enumerable.Range(0, 3).Select(i => PipelineDeal(TenantA, $"tie-{i}", P2, 5, CurrencyCode.EUR, "Proposal", new LocalDate(2025, 6, 1), null, half)),
        ];
        await StorePipelineDealsAsync(deals);
        var options = new PipelineSnapshotOptions { Pipelines = Pipelines };
        var scope = AccessScope.Manufacturer(TenantA);

        using var streamed = (await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, options)).Group(PipelineDimension.Partner);
        var pushed = Store.PushDown is { } pushDown ? await pushDown.AggregatePipelineAsync(scope, PipelineGrouping.By(PipelineDimension.Partner), options) : streamed.Groups;

        foreach (var groups in new[] { streamed.Groups, pushed })
        {
            Assert.Equal(new Money(0.02m, CurrencyCode.EUR), groups[0].WeightedAmount);
            Assert.Equal((Int128)75_000, groups[1].Weighted.Scaled);
            Assert.Equal(new Money(0.08m, CurrencyCode.EUR), groups[1].WeightedAmount);
        }
    }

    private async Task AssertPipelineEqualsSnapshotAsync(List<SalesOpportunity> deals, IEnumerable<PipelineGrouping> groupings)
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        AccessScope[] scopes = [AccessScope.Manufacturer(TenantA), AccessScope.ForPartner(TenantA, P1), AccessScope.Manufacturer(TenantB)];
        var groupingList = groupings.ToList();
        foreach (var scope in scopes)
        {
            var visible = deals.Where(d => d.Tenant == scope.Tenant && (scope.Partner is null || d.Partner == scope.Partner)).ToList();
            foreach (var includeWon in new[] { false, true })
            {
                foreach (var (zone, fiscal) in new[] { (DateTimeZone.Utc, FiscalCalendar.CalendarYear), (berlin, new FiscalCalendar(4)) })
                {
                    var options = new PipelineSnapshotOptions { IncludeClosedWon = includeWon, ReportingZone = zone, FiscalCalendar = fiscal, Pipelines = Pipelines, MaxDegreeOfParallelism = 1 };
                    var expected = PipelineSnapshot.FromOpportunities(visible, options);
                    var streamed = await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope, options);
                    Assert.Equal(expected.Count, streamed.Count);
                    foreach (var grouping in groupingList)
                    {
                        var context = $"{scope.Tenant}/{scope.Partner} won={includeWon} zone={zone.Id} fiscal={fiscal.StartMonth} {grouping}";
                        using var want = expected.Group(grouping);
                        using var got = streamed.Group(grouping);
                        var wantGroups = want.Groups.ToList();
                        Assert.True(wantGroups.SequenceEqual(got.Groups), $"stream differs: {context}");
                        if (Store.PushDown is { } pushDown)
                        {
                            var pushed = await pushDown.AggregatePipelineAsync(scope, grouping, options);
                            Assert.True(wantGroups.SequenceEqual(pushed), $"push-down differs: {context}\nwant: {string.Join("; ", wantGroups)}\ngot:  {string.Join("; ", pushed)}");
                        }
                    }
                }
            }
        }
    }

    private async Task StorePipelineDealsAsync(List<SalesOpportunity> deals, bool importAll = false)
    {
        foreach (var tenant in deals.Select(d => d.Tenant).Distinct())
        {
            foreach (var partner in deals.Where(d => d.Tenant == tenant).Select(d => d.Partner).Distinct())
            {
                await Store.Partners.UpsertAsync(NewPartner(tenant, partner));
            }
        }

        // Half (or all) through the importer when there is one (its own write path), the rest one by one.
        var imported = Store.Importer is null ? [] : deals.Where((_, i) => importAll || i % 2 == 0).ToList();
        if (imported.Count > 0)
        {
            var result = await Store.Importer!.ImportAsync(imported.Select(d => d.ToSnapshot()));
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
        }

        foreach (var deal in deals.Except(imported))
        {
            await Store.Opportunities.AddAsync(deal);
        }
    }

    /// <summary>Deals over two tenants and three partners with every feature the pipeline reads (seeded, so each seed is one fixed set).</summary>
    private static List<SalesOpportunity> PipelineDeals(int seed, int count)
    {
        var random = new Random(seed);
        var stages = PipelineDefinition.Default.Stages;
        string?[] regions = ["DE-South", "DE-North", null, " ", "AT"];
        string?[] products = ["heat-pumps", "solar", null];
        PartnerId[] partners = [P1, P2, new("partner-3")];
        var deals = new List<SalesOpportunity>
        {
            // Closes at 23:30 UTC on the last day of a quarter and fiscal year: the next quarter in Berlin (UTC+2).
            PipelineDeal(TenantA, "edge-won", P1, 123_45, CurrencyCode.EUR, "Closed won", new LocalDate(2025, 8, 1), Instant.FromUtc(2025, 3, 31, 23, 30)),
            PipelineDeal(TenantA, "edge-lost", P1, 999_99, CurrencyCode.EUR, "Closed lost", new LocalDate(2025, 3, 31), Instant.FromUtc(2025, 3, 31, 23, 30)),
        };
        for (var i = 0; i < count; i++)
        {
            var stage = stages[random.Next(stages.Count)];
            var expected = new LocalDate(2024, 1, 1).PlusDays(random.Next(900));
            Instant? closedAt = stage.IsClosed ? Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.Next(900 * 24 * 60)) : null;
            var deal = PipelineDeal(
                i % 3 == 2 ? TenantB : TenantA,
                $"deal-{seed}-{i:D4}",
                partners[random.Next(partners.Length)],
                random.Next(4) == 0 ? random.NextInt64(Money.MaxDealMinorUnits / 1_000_000) : random.Next(1, 10_000_000),
                PipelineCurrencies[random.Next(PipelineCurrencies.Length)],
                stage.Name,
                expected,
                closedAt,
                stage.IsClosed || random.Next(3) != 0 ? null : Probability.FromBasisPoints(random.Next(10_001)),
                stage.IsClosed || random.Next(4) != 0 ? null : (ForecastCategory)random.Next(5),
                regions[random.Next(regions.Length)],
                products[random.Next(products.Length)],
                PipelineLines(new Random((seed * 10_007) + i)));
            deals.Add(deal);
        }

        return deals;
    }

    /// <summary>
    /// Line items for about a third of the deals (from a random of their own, so the deals' other
    /// values do not depend on them): one to three lines, a product sometimes twice in one deal,
    /// product names with a space and with non-ASCII letters, discounts with cents.
    /// </summary>
    private static Func<CurrencyCode, IReadOnlyList<OpportunityLine>?> PipelineLines(Random random) => currency =>
    {
        if (random.Next(3) != 0)
        {
            return null;
        }

        string[] names = ["pump", "solar panel", "Wärmepumpe", "service"];
        return [.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => new OpportunityLine(
            names[random.Next(names.Length)],
            1 + random.Next(5),
            Money.FromMinorUnits(random.Next(0, 5_000_000), currency),
            random.Next(0, 5_001) / 100m))];
    };

    private static SalesOpportunity PipelineDeal(
        TenantId tenant,
        string id,
        PartnerId partner,
        long minorUnits,
        CurrencyCode currency,
        string stage,
        LocalDate expectedClose,
        Instant? closedAt,
        Probability? probability = null,
        ForecastCategory? category = null,
        string? region = "DE-South",
        string? productLine = "heat-pumps",
        Func<CurrencyCode, IReadOnlyList<OpportunityLine>?>? lines = null)
    {
        // With lines, the amount is their sum, as SetLines makes it.
        var items = lines?.Invoke(currency);
        if (items is not null)
        {
            minorUnits = items.Sum(l => l.Amount.MinorUnits);
        }

        var snapshot = NewOpportunity(tenant, id, partner, NewClock()).ToSnapshot() with
        {
            Amount = Money.FromMinorUnits(minorUnits, currency),
            Stage = stage,
            ExpectedClose = expectedClose,
            ClosedAt = closedAt,
            CloseReason = closedAt is null ? null : "decided",
            ProbabilityOverride = probability,
            ForecastCategoryOverride = category,
            Region = region,
            ProductLine = productLine,
            Lines = items,
            Version = 0,
        };
        return SalesOpportunity.FromSnapshot(snapshot, PipelineDefinition.Default);
    }
}
