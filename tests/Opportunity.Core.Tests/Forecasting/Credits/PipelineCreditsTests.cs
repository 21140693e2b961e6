using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting.Credits;

public sealed class PipelineCreditsTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));

    [Property(MaxTest = 300)]
    public Property LargestRemainder_AnyTotalAndShares_PartsAddUpExactlyAndEachIsWithinOneUnitOfItsExactShare(long total, PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var shares = RandomShares(random);
        var amount = (Int128)Math.Abs(total % Money.MaxDealMinorUnits) * random.Next(10_001);

        var parts = PipelineCredits.LargestRemainder(amount, shares);

        Assert.Equal(amount, parts.Aggregate(Int128.Zero, (a, b) => a + b));
        for (var i = 0; i < parts.Length; i++)
        {
            var floor = amount * shares[i] / Probability.Scale;
            Assert.InRange(parts[i], floor, floor + 1);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property BySplit_RandomDealsAndSplits_CreditsAddUpExactlyToEveryDealsWeightedValue(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var deals = Enumerable.Range(0, 1 + random.Next(40)).Select(i => RandomDeal(random, i)).ToList();

        var credits = PipelineCredits.BySplit(deals);
        var products = PipelineCredits.ByProduct(deals);

        foreach (var currency in deals.Select(d => d.Amount.Currency).Distinct())
        {
            var inCurrency = deals.Where(d => d.Amount.Currency == currency).ToList();
            var weighted = inCurrency.Aggregate(Int128.Zero, (sum, d) => sum + ((Int128)d.Amount.MinorUnits * d.Probability.BasisPoints));
            var amount = inCurrency.Aggregate(Int128.Zero, (sum, d) => sum + d.Amount.MinorUnits);
            Assert.Equal(weighted, credits.Where(c => c.Currency == currency).Aggregate(Int128.Zero, (sum, c) => sum + c.Weighted.Scaled));
            Assert.Equal(amount, credits.Where(c => c.Currency == currency).Aggregate(Int128.Zero, (sum, c) => sum + c.AmountMinorUnits));
            Assert.Equal(weighted, products.Where(c => c.Currency == currency).Aggregate(Int128.Zero, (sum, c) => sum + c.Weighted.Scaled));
        }

        // One deal alone: its parties' credits add up to its own weighted value, unit for unit.
        var single = deals[0];
        Assert.Equal((Int128)single.Amount.MinorUnits * single.Probability.BasisPoints, PipelineCredits.BySplit([single]).Aggregate(Int128.Zero, (sum, c) => sum + c.Weighted.Scaled));
        return true.ToProperty();
    }

    [Fact]
    public void BySplit_ThreeWaySplitOfOneCent_GivesTheLeftoverToTheLargestRemainder()
    {
        var deal = Deal("O1", 0.01m, "Negotiation"); // 1 cent × 80 % = 8,000 units
        deal.SetSplits([new OpportunitySplit("partner-1", SplitRole.Partner, 33.33m), new OpportunitySplit("dist", SplitRole.Distributor, 33.33m), new OpportunitySplit("rep", SplitRole.ManufacturerRep, 33.34m)], "u", Clock);

        var credits = PipelineCredits.BySplit([deal]);

        // Exact shares 2,666.4 / 2,666.4 / 2,667.2: floors 2,666 + 2,666 + 2,667 = 7,999; the one unit left goes to the largest remainder (0.4, first in order).
        Assert.Equal([("dist", "Distributor", (Int128)2_666), ("partner-1", "Partner", 2_667), ("rep", "ManufacturerRep", 2_667)], credits.Select(c => (c.First!, c.Second!, c.Weighted.Scaled)));
    }

    [Fact]
    public void ByProduct_DealsWithAndWithoutLines_CreditEachLineTimesTheDealsProbability()
    {
        var lines = Deal("O1", 1m, "Proposal"); // 50 %
        lines.SetLines([new OpportunityLine("pump", 2m, new Money(300m, CurrencyCode.EUR)), new OpportunityLine("service", 1m, new Money(100m, CurrencyCode.EUR)), new OpportunityLine("pump", 1m, new Money(100m, CurrencyCode.EUR))], "u", Clock);
        var plain = Deal("O2", 1_000m, "Qualification"); // 10 %
        var lost = Deal("O3", 5_000m, "Proposal");
        lost.CloseLost("no budget", "u", Clock);

        var products = PipelineCredits.ByProduct([lines, plain, lost]);

        Assert.Equal(
            [("(none)", 1L, 1_000m, 100m), ("pump", 1L, 700m, 350m), ("service", 1L, 100m, 50m)],
            products.Select(p => (p.First!, p.Count, p.Amount.Amount, p.WeightedAmount.Amount)));
    }

    [Property(MaxTest = 60)]
    public Property GroupByProduct_RandomDeals_EqualsByProductAndEveryPairSumsToItsOtherDimension(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var deals = Enumerable.Range(0, 1 + random.Next(40)).Select(i => RandomDeal(random, i)).ToList();
        var snapshot = PipelineSnapshot.FromOpportunities(deals);

        using var byProduct = snapshot.Group(PipelineDimension.Product);

        // One definition: the snapshot's grouping is PipelineCredits.ByProduct, unit for unit.
        Assert.Equal(
            PipelineCredits.ByProduct(deals).Select(g => (g.First, g.Currency.Code, g.Count, g.AmountMinorUnits, g.Weighted.Scaled)).Order(),
            byProduct.Groups.Select(g => (g.First, g.Currency.Code, g.Count, g.AmountMinorUnits, g.Weighted.Scaled)).Order());
        using var total = snapshot.Total();
        Assert.Equal(total.CurrencyTotals.Select(t => (t.AmountMinorUnits, t.Weighted.Scaled)), byProduct.CurrencyTotals.Select(t => (t.AmountMinorUnits, t.Weighted.Scaled)));
        foreach (var other in new[] { PipelineDimension.Partner, PipelineDimension.Stage, PipelineDimension.CloseQuarter })
        {
            using var pair = snapshot.Group(other, PipelineDimension.Product);
            using var alone = snapshot.Group(other);
            var summed = pair.Groups.GroupBy(g => (g.First, g.Currency.Code)).Select(g => (g.Key.First, g.Key.Code, g.Aggregate(Int128.Zero, (s, x) => s + x.AmountMinorUnits), g.Aggregate(Int128.Zero, (s, x) => s + x.Weighted.Scaled)));
            Assert.Equal(alone.Groups.Select(g => (g.First, g.Currency.Code, g.AmountMinorUnits, g.Weighted.Scaled)).Order(), summed.Order());
        }

        // The products travel with the rows: through Rows()/FromRows and a filter.
        using var again = PipelineSnapshot.FromRows(snapshot.Rows()).Group(PipelineDimension.Product);
        Assert.Equal(byProduct.Groups, again.Groups);
        var partner = deals[0].Partner;
        using var filtered = snapshot.Filter(new PipelineFilter { Partner = partner }).Group(PipelineDimension.Product);
        Assert.Equal(
            PipelineCredits.ByProduct(deals.Where(d => d.Partner == partner)).Select(g => (g.First, g.Currency.Code, g.AmountMinorUnits, g.Weighted.Scaled)).Order(),
            filtered.Groups.Select(g => (g.First, g.Currency.Code, g.AmountMinorUnits, g.Weighted.Scaled)).Order());
        return true.ToProperty();
    }

    [Fact]
    public void GroupByProduct_DealWithTwoProducts_CountsUnderEachWithItsShareAndNoneFirst()
    {
        var lines = Deal("O1", 1m, "Proposal"); // 50 %
        lines.SetLines([new OpportunityLine("pump", 2m, new Money(300m, CurrencyCode.EUR)), new OpportunityLine("service", 1m, new Money(100m, CurrencyCode.EUR), 10m), new OpportunityLine("pump", 1m, new Money(100m, CurrencyCode.EUR))], "u", Clock);
        var plain = Deal("O2", 1_000m, "Qualification"); // 10 %

        using var totals = PipelineSnapshot.FromOpportunities([lines, plain]).Group(PipelineDimension.Product, PipelineDimension.Stage);

        Assert.Equal(
            [("(none)", "Qualification", 1L, 1_000m, 100m), ("pump", "Proposal", 1L, 700m, 350m), ("service", "Proposal", 1L, 90m, 45m)],
            totals.Groups.Select(g => (g.First!, g.Second!, g.Count, g.Amount.Amount, g.WeightedAmount.Amount)));
    }

    [Fact]
    public void FromRows_ProductsNotAddingUpToTheAmount_ThrowsNamingProducts()
    {
        var row = new PipelineRow(new PartnerId("p"), new Money(100m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.Pipeline, new LocalDate(2027, 1, 1))
        {
            Products = [new ProductAmount("pump", 6_000), new ProductAmount("service", 3_000)],
        };

        var error = Assert.Throws<ArgumentException>(() => PipelineSnapshot.FromRows([row]));

        Assert.Equal("products", error.ParamName);
        Assert.Contains("9000", error.Message, StringComparison.Ordinal);
    }

    private static int[] RandomShares(Random random)
    {
        var n = 1 + random.Next(5);
        var cuts = Enumerable.Range(0, n - 1).Select(_ => random.Next(1, 10_000)).Distinct().Order().ToList();
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts);
        bounds.Add(10_000);
        return [.. bounds.Zip(bounds.Skip(1), (a, b) => b - a)];
    }

    private static SalesOpportunity RandomDeal(Random random, int i)
    {
        var currency = random.Next(3) switch { 0 => CurrencyCode.EUR, 1 => CurrencyCode.USD, _ => CurrencyCode.JPY };
        var stage = PipelineDefinition.Default.OpenStages[random.Next(PipelineDefinition.Default.OpenStages.Count)].Name;
        var deal = SalesOpportunity.Open(new TenantId("t"), new OpportunityId($"O{i}"),
            new SalesOpportunityDraft(new PartnerId($"P{random.Next(4)}"), Money.FromMinorUnits(random.NextInt64(0, 10_000_000), currency), new LocalDate(2027, 1, 31)) { Stage = stage },
            PipelineDefinition.Default, "u", Clock);
        if (random.Next(2) == 0)
        {
            deal.SetLines(Enumerable.Range(0, 1 + random.Next(4)).Select(_ => new OpportunityLine($"prod-{random.Next(3)}", random.Next(1, 20), Money.FromMinorUnits(random.Next(0, 100_000), currency), random.Next(0, 10_001) / 100m)), "u", Clock);
        }

        if (random.Next(2) == 0)
        {
            var shares = RandomShares(random);
            deal.SetSplits(shares.Select((bp, k) => new OpportunitySplit($"party-{k}", (SplitRole)(k % 3), bp / 100m)), "u", Clock);
        }

        return deal;
    }

    private static SalesOpportunity Deal(string id, decimal amount, string stage) =>
        SalesOpportunity.Open(new TenantId("t"), new OpportunityId(id),
            new SalesOpportunityDraft(new PartnerId("partner-1"), new Money(amount, CurrencyCode.EUR), new LocalDate(2027, 1, 31)) { Stage = stage },
            PipelineDefinition.Default, "u", Clock);
}
