using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.ForecastingTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class PipelineSnapshotTests
{
    private static readonly FiscalCalendar April = new(4);

    [Property(MaxTest = 60)]
    public Property Group_AnyGroupingOfRandomRows_EqualsDecimalRecomputeToTheCent(PositiveInt seed, byte groupingIndex)
    {
        var rows = Rows(seed.Get, 1 + (seed.Get % 400), partners: 1 + (seed.Get % 37));
        var grouping = AllGroupings[groupingIndex % AllGroupings.Length];
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });

        AssertMatches(Recompute(rows, grouping, April), snapshot.Group(grouping));
        return true.ToProperty();
    }

    [Fact]
    public void Group_EveryGroupingOverALargeSet_EqualsRecomputeAndIsIndependentOfThreadsAndRowOrder()
    {
        // 300,000 rows: enough for the parallel paths (over 131,072 rows per worker).
        var rows = Rows(7, 300_000, partners: 3_000);
        var shuffled = rows.OrderBy(r => r.Amount.MinorUnits % 7919).ThenBy(r => r.CloseDate).ToList();
        var one = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });
        var many = PipelineSnapshot.FromRows(shuffled, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 4, FiscalCalendar = April });

        foreach (var grouping in AllGroupings)
        {
            var single = one.Group(grouping);
            Assert.Equal(Exact(single), Exact(many.Group(grouping)));
            AssertMatches(Recompute(rows, grouping, April), single);
        }
    }

    [Fact]
    public void Group_LongRunsOfOneKey_EqualsRecomputeOnTheEightRowVectorPaths()
    {
        // Each partner's deals share region, product line, category and close month in runs of 5 to 40 rows,
        // so most blocks of eight rows have one key (summed in vectors) and the rest straddle a change.
        var random = new Random(23);
        var stages = PipelineDefinition.Default.Stages;
        var rows = new List<PipelineRow>();
        for (var p = 0; p < 4_000; p++)
        {
            var currency = Currencies[p % Currencies.Length];
            var region = p % 5 == 0 ? null : Regions[p % Regions.Length];
            var runs = 2 + random.Next(6);
            for (var run = 0; run < runs; run++)
            {
                var stage = stages[random.Next(stages.Count - 1)];
                var product = random.Next(4) == 0 ? null : Products[random.Next(Products.Length)];
                var close = new LocalDate(2025, 1, 15).PlusMonths(random.Next(18));
                for (var i = 5 + random.Next(36); i > 0; i--)
                {
                    rows.Add(new PipelineRow(new PartnerId($"P{p:D4}"), Money.FromMinorUnits(random.NextInt64(0, 5_000_000_00), currency), stage.Name, random.Next(10) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : stage.DefaultProbability, stage.ForecastCategory, close)
                    {
                        Region = region,
                        ProductLine = product,
                    });
                }
            }
        }

        var one = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });
        var many = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 4, FiscalCalendar = April });
        Assert.True(rows.Count > 262_144, "enough rows for two workers");
        foreach (var grouping in AllGroupings)
        {
            var single = one.Group(grouping);
            Assert.Equal(Exact(single), Exact(many.Group(grouping)));
            AssertMatches(Recompute(rows, grouping, April), single);
        }
    }

    [Property(MaxTest = 25)]
    public Property Group_PartnerByAKey_LongTailOfSmallPartners_EqualsRecompute(PositiveInt seed, bool partnerFirst)
    {
        // Partners of 1–40 deals, one in ten of 200–300 (either side of the small-partner line), most in one currency:
        // a block of rows holds dozens of partners, more than it has slots for when the key has many values (months
        // over up to 20 months and 3 currencies: 60 indexes, 17 slots), and a partner often runs past a block's end.
        // Filtered to one region, the snapshot keeps every partner, so partners without rows sit between the others.
        var random = new Random(seed.Get);
        var stages = PipelineDefinition.Default.Stages.Where(s => !s.IsClosed).ToArray();
        var days = random.Next(2) == 0 ? 90 : 600;
        var rows = new List<PipelineRow>();
        for (var p = 0; p < 100 + random.Next(1_500); p++)
        {
            var currency = Currencies[random.Next(Currencies.Length)];
            var mixed = random.Next(5) == 0;
            for (var i = random.Next(10) == 0 ? 200 + random.Next(100) : 1 + random.Next(40); i > 0; i--)
            {
                var stage = stages[random.Next(stages.Length)];
                var probability = random.Next(5) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : stage.DefaultProbability;
                rows.Add(new PipelineRow(new PartnerId($"P{p:D5}"), Money.FromMinorUnits(random.NextInt64(0, 5_000_000_00), mixed ? Currencies[random.Next(Currencies.Length)] : currency), stage.Name, probability, stage.ForecastCategory, new LocalDate(2024, 11, 1).PlusDays(random.Next(days)))
                {
                    Region = Regions[random.Next(Regions.Length)],
                });
            }
        }

        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });
        var filtered = snapshot.Filter(new PipelineFilter { Region = Regions[0] });
        var kept = rows.Where(r => r.Region == Regions[0]).ToList();
        foreach (var dimension in new[] { PipelineDimension.CloseQuarter, PipelineDimension.CloseMonth, PipelineDimension.Region, PipelineDimension.CloseFiscalYear })
        {
            var grouping = partnerFirst ? PipelineGrouping.By(PipelineDimension.Partner, dimension) : PipelineGrouping.By(dimension, PipelineDimension.Partner);
            using var all = snapshot.Group(grouping);
            AssertMatches(Recompute(rows, grouping, April), all);
            using var some = filtered.Group(grouping);
            AssertMatches(Recompute(kept, grouping, April), some);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 30)]
    public Property Group_PartnerByAKeyOfAtMostEightValues_EveryPartnerShape_EqualsRecomputeInDisplayOrder(PositiveInt seed, bool partnerFirst)
    {
        // Keys of at most eight values are summed in registers, eight rows at a time: partners of 1–7 deals (the block
        // scatter), of 8 and more (a vector at a time, the last one part-filled), some in several currencies (their runs
        // alternate currencies), and the last partner's rows at the columns' end (the rows a whole vector cannot reach).
        // Seven regions and "(none)", two product lines, close dates over up to eight quarters, months or fiscal years.
        var random = new Random(seed.Get);
        var stages = PipelineDefinition.Default.Stages.Where(s => !s.IsClosed).ToArray();
        string?[] regions = [null, "R1", "R2", "R3", "R4", "R5", "R6", "R7"];
        var start = new LocalDate(2025, 2, 1);
        var days = random.Next(3) switch { 0 => 240, 1 => 630, _ => 2_400 };
        var partners = 20 + random.Next(300);
        var rows = new List<PipelineRow>();
        for (var p = 0; p < partners; p++)
        {
            var currency = Currencies[random.Next(Currencies.Length)];
            var mixed = random.Next(4) == 0 || (p == partners - 1 && seed.Get % 2 == 0);
            var size = p == partners - 1 ? 8 + random.Next(17) : random.Next(3) switch { 0 => 1 + random.Next(7), 1 => 8 + random.Next(60), _ => 60 + random.Next(400) };
            for (var i = 0; i < size; i++)
            {
                var stage = stages[random.Next(stages.Length)];
                var probability = random.Next(5) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : stage.DefaultProbability;
                rows.Add(new PipelineRow(new PartnerId($"P{p:D4}"), Money.FromMinorUnits(random.NextInt64(0, 5_000_000_00), mixed ? Currencies[random.Next(Currencies.Length)] : currency), stage.Name, probability, stage.ForecastCategory, start.PlusDays(random.Next(days)))
                {
                    Region = regions[random.Next(regions.Length)],
                    ProductLine = random.Next(3) == 0 ? null : Products[random.Next(Products.Length)],
                });
            }
        }

        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });
        var dimensions = new List<PipelineDimension> { PipelineDimension.Region, PipelineDimension.ProductLine, PipelineDimension.CloseFiscalYear };
        dimensions.AddRange(days == 240 ? [PipelineDimension.CloseMonth, PipelineDimension.CloseQuarter] : days == 630 ? [PipelineDimension.CloseQuarter] : []);
        var partnerOrder = Order(snapshot, PipelineDimension.Partner);
        foreach (var dimension in dimensions)
        {
            var grouping = partnerFirst ? PipelineGrouping.By(PipelineDimension.Partner, dimension) : PipelineGrouping.By(dimension, PipelineDimension.Partner);
            using var totals = snapshot.Group(grouping);
            AssertMatches(Recompute(rows, grouping, April), totals);

            // The display order: partners by id, the key's values as the key alone lists them, then currencies.
            var keyOrder = Order(snapshot, dimension);
            var (firstOrder, secondOrder) = partnerFirst ? (partnerOrder, keyOrder) : (keyOrder, partnerOrder);
            var listed = totals.Groups.Select(g => (firstOrder[g.First!], secondOrder[g.Second!], g.Currency.Code)).ToList();
            Assert.Equal(listed.OrderBy(g => g.Item1).ThenBy(g => g.Item2).ThenBy(g => g.Code, StringComparer.Ordinal), listed);
        }

        return true.ToProperty();

        static Dictionary<string, int> Order(PipelineSnapshot snapshot, PipelineDimension dimension)
        {
            using var alone = snapshot.Group(PipelineGrouping.By(dimension));
            return alone.Groups.Select(g => g.First!).Distinct().Select((label, i) => (label, i)).ToDictionary(x => x.label, x => x.i);
        }
    }

    [Property(MaxTest = 30)]
    public Property Group_PartnerByProductWithLines_EveryPartnerShape_EqualsRecomputeInDisplayOrder(PositiveInt seed, bool filtered)
    {
        // Partner × product with at most eight products is summed per partner in registers, eight parts at a time:
        // partners with no lines, with lines on some deals (one to four each, the same product twice in some, the first
        // deal of all often among them, a blank product in some: it counts under (none)), in one currency or several (one
        // in four), the last partner's parts at the parts' end; filtered to one region, partners without rows sit between.
        var random = new Random(seed.Get);
        var stages = PipelineDefinition.Default.Stages.Where(s => !s.IsClosed).ToArray();
        string[] products = ["battery", "inverter", "panel", "service", "wallbox", "heat-pump", "meter", ""];
        var partners = 20 + random.Next(200);
        var rows = new List<PipelineRow>();
        for (var p = 0; p < partners; p++)
        {
            var currency = Currencies[random.Next(Currencies.Length)];
            var mixed = random.Next(4) == 0;
            var withLines = random.Next(5) == 0 ? 0 : 1 + random.Next(4);
            for (var i = random.Next(3) == 0 ? 1 + random.Next(8) : 8 + random.Next(300); i > 0; i--)
            {
                var stage = stages[random.Next(stages.Length)];
                var probability = random.Next(5) == 0 ? Probability.FromBasisPoints(random.Next(10_001)) : stage.DefaultProbability;
                var amount = Money.FromMinorUnits(random.NextInt64(0, 5_000_000_00), mixed ? Currencies[random.Next(Currencies.Length)] : currency);
                List<ProductAmount>? lines = null;
                if (random.Next(4) < withLines)
                {
                    lines = [];
                    var left = amount.MinorUnits;
                    for (var n = 1 + random.Next(4); n > 0; n--)
                    {
                        var part = n == 1 ? left : random.NextInt64(0, left + 1);
                        lines.Add(new ProductAmount(products[random.Next(products.Length)], part));
                        left -= part;
                    }
                }

                rows.Add(new PipelineRow(new PartnerId($"P{p:D4}"), amount, stage.Name, probability, stage.ForecastCategory, new LocalDate(2025, 1, 1).PlusDays(random.Next(400)))
                {
                    Region = Regions[random.Next(Regions.Length)],
                    Products = lines,
                });
            }
        }

        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });
        var (grouped, kept) = filtered ? (snapshot.Filter(new PipelineFilter { Region = Regions[0] }), rows.Where(r => r.Region == Regions[0]).ToList()) : (snapshot, rows);
        var grouping = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Product);
        using var totals = grouped.Group(grouping);
        AssertMatches(RecomputeByProduct(kept, grouping, April), totals);

        // The display order: partners by id, then (none) and the products by name, then currencies.
        var partnerOrder = Order(grouped, PipelineDimension.Partner);
        var productOrder = Order(grouped, PipelineDimension.Product);
        var listed = totals.Groups.Select(g => (partnerOrder[g.First!], productOrder[g.Second!], g.Currency.Code)).ToList();
        Assert.Equal(listed.OrderBy(g => g.Item1).ThenBy(g => g.Item2).ThenBy(g => g.Code, StringComparer.Ordinal), listed);

        // Product alone, from the same parts (the general path: the total, corrected by the deals with lines).
        var byProduct = PipelineGrouping.By(PipelineDimension.Product);
        using var productTotals = grouped.Group(byProduct);
        AssertMatches(RecomputeByProduct(kept, byProduct, April), productTotals);
        var productsListed = productTotals.Groups.Select(g => (productOrder[g.First!], g.Currency.Code)).ToList();
        Assert.Equal(productsListed.OrderBy(g => g.Item1).ThenBy(g => g.Code, StringComparer.Ordinal), productsListed);
        return true.ToProperty();

        static Dictionary<string, int> Order(PipelineSnapshot snapshot, PipelineDimension dimension)
        {
            using var alone = snapshot.Group(PipelineGrouping.By(dimension));
            return alone.Groups.Select(g => g.First!).Distinct().Select((label, i) => (label, i)).ToDictionary(x => x.label, x => x.i);
        }
    }

    [Fact]
    public void Group_ByPeriod_BuildsAOneBytePeriodColumnOnceAndFallsBackBeyondTwoHundredFiftySixPeriods()
    {
        var rows = Rows(13, 3_000, partners: 40);
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });
        var before = snapshot.ColumnBytes;

        foreach (var dimension in new[] { PipelineDimension.CloseMonth, PipelineDimension.CloseQuarter, PipelineDimension.CloseFiscalYear })
        {
            AssertMatches(Recompute(rows, PipelineGrouping.By(PipelineDimension.Partner, dimension), April), snapshot.Group(PipelineDimension.Partner, dimension));
            AssertMatches(Recompute(rows, PipelineGrouping.By(dimension, PipelineDimension.Partner), April), snapshot.Group(dimension, PipelineDimension.Partner));
            AssertMatches(Recompute(rows, PipelineGrouping.By(PipelineDimension.Region, dimension), April), snapshot.Group(PipelineDimension.Region, dimension));
        }

        // Three period columns and the region's byte column.
        Assert.Equal(before + (4L * rows.Count), snapshot.ColumnBytes);

        // Close dates over 80 years: 960 months and 320 quarters do not fit a byte, so they are read from the month.
        var spread = rows.Select((r, i) => new PipelineRow(r.Partner, r.Amount, r.Stage, r.Probability, r.Category, new LocalDate(1990 + (i % 80), 1 + (i % 12), 1)) { Region = r.Region, ProductLine = r.ProductLine }).ToList();
        var wide = PipelineSnapshot.FromRows(spread, new PipelineSnapshotOptions { FiscalCalendar = April });
        var wideBefore = wide.ColumnBytes;
        foreach (var dimension in new[] { PipelineDimension.CloseMonth, PipelineDimension.CloseQuarter })
        {
            AssertMatches(Recompute(spread, PipelineGrouping.By(PipelineDimension.Partner, dimension), April), wide.Group(PipelineDimension.Partner, dimension));
            AssertMatches(Recompute(spread, PipelineGrouping.By(PipelineDimension.Region, dimension), April), wide.Group(PipelineDimension.Region, dimension));
        }

        // No period column, only the region's byte column.
        Assert.Equal(wideBefore + spread.Count, wide.ColumnBytes);
    }

    [Theory]
    [InlineData(40, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Group_ByRegionOrProductLine_ReadsAByteColumnWhileTheLabelsFitAByte(int labels, bool bytes)
    {
        // Regions and product lines spread over `labels` values (with (none), one more label): up to 256 labels
        // the groupings read a byte column built once per dimension; beyond, the two-byte column, with the same answers.
        var rows = Rows(19, 4_000, partners: 60).Select((r, i) => r with
        {
            Region = i % 7 == 0 ? null : $"R{i % (labels - 1):D3}",
            ProductLine = i % 5 == 0 ? null : $"L{(i * 7) % (labels - 1):D3}",
        }).ToList();
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });
        var before = snapshot.ColumnBytes;

        foreach (var grouping in new[]
        {
            PipelineGrouping.By(PipelineDimension.Region), PipelineGrouping.By(PipelineDimension.ProductLine),
            PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.ProductLine), PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Region),
            PipelineGrouping.By(PipelineDimension.ProductLine, PipelineDimension.Partner), PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.CloseQuarter),
        })
        {
            AssertMatches(Recompute(rows, grouping, April), snapshot.Group(grouping));
        }

        Assert.Equal(before + (bytes ? 2L * rows.Count : 0) + rows.Count, snapshot.ColumnBytes);
    }

    [Fact]
    public void Group_AmountsNearTheLimit_StaysExactBeyondSixtyFourBits()
    {
        var rows = Rows(3, 2_000, partners: 5, hugeAmounts: true);
        var snapshot = PipelineSnapshot.FromRows(rows);

        foreach (var grouping in new[] { PipelineGrouping.Total, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage), PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory), PipelineGrouping.By(PipelineDimension.Region) })
        {
            var totals = snapshot.Group(grouping);
            Assert.True(totals.Groups.Max(g => g.Weighted.Scaled) > long.MaxValue, "the test must exceed 64 bits");
            AssertMatches(Recompute(rows, grouping, FiscalCalendar.CalendarYear), totals);
        }
    }

    [Theory]
    [InlineData(20_000, 1)]
    [InlineData(40_000, 2)]
    [InlineData(70_000, 4)]
    public void Group_AmountsWhereTheCountBitsBind_UnpacksEveryChunkAndEqualsRecompute(int count, int partners)
    {
        // Amounts just under 2^35 leave a packed cell 14 bits of count: chunks of 16,383 rows. One currency and no region,
        // so a partner's rows share one (region, currency) cell, and all rows one key of the flat table (four
        // replicas of 17,500 rows at 70,000). 20,000 rows have 64-bit totals (narrow); 40,000 and 70,000 do not.
        var random = new Random(count);
        var rows = Rows(5, count, partners).Select(r => new PipelineRow(r.Partner, Money.FromMinorUnits(random.NextInt64((1L << 35) - (1L << 31), 1L << 35), CurrencyCode.EUR), r.Stage, r.Probability, r.Category, r.CloseDate) { ProductLine = r.ProductLine }).ToList();
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1, FiscalCalendar = April });

        foreach (var grouping in AllGroupings)
        {
            AssertMatches(Recompute(rows, grouping, April), snapshot.Group(grouping));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Group_PartnerByCategory_RunsOpeningWithOrMadeOfOverrides_EqualsRecompute(bool hugeAmounts)
    {
        // One run (partner, stage, currency) is summed under its first row's category and the rows that differ are
        // moved: a run opening with an override moves every other row, a run of overrides alone leaves nothing under
        // the first category, so no empty group may appear; huge amounts take the 128-bit table.
        var proposal = PipelineDefinition.Default.Stages.Single(s => s.Name == "Proposal");
        var close = new LocalDate(2025, 5, 1);
        var amount = hugeAmounts ? ExactMathLimit : 1_234_56;
        PipelineRow Row(string partner, int i, ForecastCategory category) =>
            new(new PartnerId(partner), Money.FromMinorUnits(amount - i, CurrencyCode.EUR), proposal.Name, proposal.DefaultProbability, category, close);
        var rows = new List<PipelineRow>();
        for (var i = 0; i < 70; i++)
        {
            rows.Add(Row("P1", i, i == 0 ? ForecastCategory.Commit : proposal.ForecastCategory));
            rows.Add(Row("P2", i, i % 2 == 0 ? ForecastCategory.Omitted : ForecastCategory.Commit));
            rows.Add(Row("P3", i, i == 69 ? ForecastCategory.BestCase : proposal.ForecastCategory));
        }

        var snapshot = PipelineSnapshot.FromRows(rows);
        foreach (var grouping in new[] { PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.ForecastCategory), PipelineGrouping.By(PipelineDimension.ForecastCategory, PipelineDimension.Partner) })
        {
            using var totals = snapshot.Group(grouping);
            Assert.DoesNotContain(totals.Groups, g => g.Count == 0);
            Assert.Equal(hugeAmounts, totals.Groups.Max(g => g.Weighted.Scaled) > long.MaxValue);
            AssertMatches(Recompute(rows, grouping, FiscalCalendar.CalendarYear), totals);
        }
    }

    [Property(MaxTest = 40)]
    public Property Group_PartnerByCategory_RunsWithOverridesAnywhere_EqualsRecomputeOnOneAndSeveralThreads(PositiveInt seed, bool hugeAmounts)
    {
        // Runs (partner, stage, currency) of 1–80 rows, crossing the 32-row compare blocks, with overrides at random
        // places (first row, last row, all rows): the 64-bit slots and, with huge amounts, the 128-bit table; the
        // partners split over several threads when a worker's minimum is reached (≥ 131,072 rows).
        var random = new Random(seed.Get);
        var stages = PipelineDefinition.Default.Stages.Where(s => !s.IsClosed).ToArray();
        var big = random.Next(8) == 0;
        var rows = new List<PipelineRow>();
        for (var partner = 0; partner < (big ? 1_400 : 1 + random.Next(12)); partner++)
        {
            foreach (var currency in new[] { CurrencyCode.EUR, CurrencyCode.USD }.Where(_ => random.Next(3) != 0))
            {
                foreach (var stage in stages.Where(_ => random.Next(2) == 0))
                {
                    var length = big ? 40 + random.Next(60) : 1 + random.Next(80);
                    var overrideEvery = random.Next(4) == 0 ? 1 : 2 + random.Next(40);
                    for (var i = 0; i < length; i++)
                    {
                        var category = random.Next(overrideEvery) == 0 ? (ForecastCategory)random.Next(5) : stage.ForecastCategory;
                        var amount = hugeAmounts ? ExactMathLimit - random.Next(1_000) : random.Next(0, 10_000_000);
                        rows.Add(new PipelineRow(new PartnerId($"P{partner:D4}"), Money.FromMinorUnits(amount, currency), stage.Name, Probability.FromBasisPoints(random.Next(0, 10_001)), category, new LocalDate(2025, 1 + random.Next(12), 1)));
                    }
                }
            }
        }

        var one = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1 });
        var several = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = 2 + random.Next(3) });
        foreach (var grouping in new[] { PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.ForecastCategory), PipelineGrouping.By(PipelineDimension.ForecastCategory, PipelineDimension.Partner) })
        {
            using var single = one.Group(grouping);
            using var split = several.Group(grouping);
            Assert.DoesNotContain(single.Groups, g => g.Count == 0);
            Assert.Equal(single.Groups, split.Groups);
            AssertMatches(Recompute(rows, grouping, FiscalCalendar.CalendarYear), single);
        }

        return true.ToProperty();
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 4)]
    [InlineData(true, 1)]
    public void Group_EveryGroupingWithProduct_EqualsARecomputeOverTheLines(bool hugeAmounts, int workers)
    {
        // Every third deal has one to three lines (the same product twice in some, counted once); the others
        // count under (none). The snapshot takes the other dimension's grouping and corrects it by the deals with lines.
        string[] products = ["battery", "inverter", "panel"];
        var random = new Random(29);
        var rows = Rows(17, 300_000, partners: 3_000, hugeAmounts).Select((r, i) =>
        {
            if (i % 3 != 0)
            {
                return r;
            }

            var lines = new List<ProductAmount>();
            var left = r.Amount.MinorUnits;
            for (var n = 1 + random.Next(3); n > 0; n--)
            {
                var part = n == 1 ? left : random.NextInt64(0, left + 1);
                lines.Add(new ProductAmount(products[random.Next(products.Length)], part));
                left -= part;
            }

            return r with { Products = lines };
        }).ToList();
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { MaxDegreeOfParallelism = workers, FiscalCalendar = April });

        foreach (var grouping in AllGroupings.Where(g => g.First == PipelineDimension.Product || g.Second == PipelineDimension.Product))
        {
            using var totals = snapshot.Group(grouping);
            Assert.Equal(hugeAmounts, totals.Groups.Max(g => g.Weighted.Scaled) > long.MaxValue);
            AssertMatches(RecomputeByProduct(rows, grouping, April), totals);
        }
    }

    [Property(MaxTest = 40)]
    public Property Group_WithProduct_LinesNearTheSafeRowsLimit_EqualsARecompute(PositiveInt seed, bool nearLimit)
    {
        // Deals with none to three lines (a product twice in some, a blank product in some: it counts under (none))
        // over 1–40 partners. Near the limit the 64-bit sums are safe for only one to eight deals, so they are folded
        // into 128 bits many times, within a partner and across the whole table; otherwise once, at the end.
        var random = new Random(seed.Get);
        string[] products = ["battery", "inverter", "panel", ""];
        var limit = nearLimit ? ExactMathLimit / (1 + random.Next(8)) : 1_000_000;
        var rows = Rows(seed.Get, 1 + random.Next(800), partners: 1 + random.Next(40)).Select(r =>
        {
            var left = random.NextInt64(0, limit + 1);
            r = new PipelineRow(r.Partner, Money.FromMinorUnits(left, r.Amount.Currency), r.Stage, r.Probability, r.Category, r.CloseDate) { Region = r.Region, ProductLine = r.ProductLine };
            var lines = new List<ProductAmount>();
            for (var n = random.Next(4); n > 0; n--)
            {
                var part = n == 1 ? left : random.NextInt64(0, left + 1);
                lines.Add(new ProductAmount(products[random.Next(products.Length)], part));
                left -= part;
            }

            return r with { Products = lines };
        }).ToList();
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });
        foreach (var grouping in AllGroupings.Where(g => g.First == PipelineDimension.Product || g.Second == PipelineDimension.Product))
        {
            using var totals = snapshot.Group(grouping);
            Assert.DoesNotContain(totals.Groups, g => g.Count == 0);
            AssertMatches(RecomputeByProduct(rows, grouping, April), totals);
        }

        return true.ToProperty();
    }

    [Fact]
    public void Group_WithProduct_MoreLinesThanAPackedCellHolds_EqualsARecompute()
    {
        // Amounts of 35 bits leave the packed cells 14 bits of count: 16,383 lines at most before they are unpacked, fewer
        // than the safe rows (26,843). 20,000 lines of one product at the largest amount, in one partner and currency,
        // would carry their amount sum into the count if the cells held them all.
        var amount = (1L << 35) - 1;
        var rows = Rows(41, 20_000, partners: 1).Select(r =>
            new PipelineRow(r.Partner, Money.FromMinorUnits(amount, CurrencyCode.EUR), r.Stage, r.Probability, r.Category, r.CloseDate)
            {
                Region = r.Region,
                ProductLine = r.ProductLine,
                Products = [new ProductAmount("battery", amount)],
            }).ToList();
        var snapshot = PipelineSnapshot.FromRows(rows, new PipelineSnapshotOptions { FiscalCalendar = April });
        Assert.InRange(rows.Count, new PackedCount(amount, (int)PipelineAggregator.SafeRows(amount)).ChunkRows + 1, PipelineAggregator.SafeRows(amount));
        foreach (var grouping in AllGroupings.Where(g => g.First == PipelineDimension.Product || g.Second == PipelineDimension.Product))
        {
            using var totals = snapshot.Group(grouping);
            AssertMatches(RecomputeByProduct(rows, grouping, April), totals);
        }
    }

    /// <summary>The decimal recompute over the deals' parts: one per product of its lines (the product's share; a blank product is (none)), or the whole deal under (none).</summary>
    private static Dictionary<(string?, string?, string), (long Count, decimal Amount, decimal Weighted)> RecomputeByProduct(IEnumerable<PipelineRow> rows, PipelineGrouping grouping, FiscalCalendar calendar)
    {
        var parts = rows.SelectMany(r => r.Products is { Count: > 0 } lines
            ? lines.GroupBy(l => string.IsNullOrWhiteSpace(l.Product) ? "(none)" : l.Product).Select(g => (Row: r, Product: g.Key, Amount: Money.FromMinorUnits(g.Sum(l => l.AmountMinorUnits), r.Amount.Currency).Amount))
            : [(Row: r, Product: "(none)", r.Amount.Amount)]);
        string Label((PipelineRow Row, string Product, decimal Amount) part, PipelineDimension dimension) =>
            dimension == PipelineDimension.Product ? part.Product : ForecastingTestData.Label(part.Row, dimension, calendar);
        return parts.GroupBy(p => (
                grouping.First is { } f ? Label(p, f) : null,
                grouping.Second is { } s ? Label(p, s) : null,
                p.Row.Amount.Currency.Code))
            .ToDictionary(
                g => g.Key,
                g => ((long)g.Count(), g.Sum(p => p.Amount), decimal.Round(g.Sum(p => p.Amount * p.Row.Probability.Value), g.First().Row.Amount.Currency.MinorUnitDigits, MidpointRounding.ToEven)));
    }

    [Fact]
    public void Group_ManyRegionsTimesManyProductLines_FallsBackToExactDictionary()
    {
        var random = new Random(11);
        var rows = Enumerable.Range(0, 5_000).Select(i => new PipelineRow(new PartnerId("P1"), Money.FromMinorUnits(random.Next(1, 100_000), CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 3, 1))
        {
            Region = $"R{random.Next(700)}",
            ProductLine = $"L{random.Next(600)}",
        }).ToList();
        var grouping = PipelineGrouping.By(PipelineDimension.Region, PipelineDimension.ProductLine);

        AssertMatches(Recompute(rows, grouping, FiscalCalendar.CalendarYear), PipelineSnapshot.FromRows(rows).Group(grouping));
    }

    [Fact]
    public void Group_PartnerByStage_OrdersPartnersByIdAndStagesInPipelineOrder()
    {
        var close = new LocalDate(2025, 5, 1);
        var rows = new[]
        {
            new PipelineRow(new PartnerId("b"), new Money(10m, CurrencyCode.EUR), "Negotiation", Probability.FromPercent(80), ForecastCategory.Commit, close),
            new PipelineRow(new PartnerId("a"), new Money(10m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, close),
            new PipelineRow(new PartnerId("b"), new Money(10m, CurrencyCode.EUR), "Qualification", Probability.FromPercent(10), ForecastCategory.Pipeline, close),
        };

        var keys = PipelineSnapshot.FromRows(rows).Group(PipelineDimension.Partner, PipelineDimension.Stage).Groups.Select(g => g.Key);

        Assert.Equal(["a / Proposal", "b / Qualification", "b / Negotiation"], keys);
    }

    [Fact]
    public void Dispose_ReusedPoolBuffers_GiveIdenticalResultsAndDisposedTotalsRefuseReads()
    {
        var snapshot = PipelineSnapshot.FromRows(Rows(21, 20_000, partners: 300));
        var grouping = PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage);
        var expected = Exact(snapshot.Group(grouping)).ToList();

        var first = snapshot.Group(PipelineGrouping.By(PipelineDimension.Stage, PipelineDimension.Partner));
        var currencyTotals = first.CurrencyTotals;
        first.Dispose();
        first.Dispose();
        using var again = snapshot.Group(grouping);

        Assert.Equal(expected, Exact(again));
        Assert.Equal(currencyTotals, first.CurrencyTotals); // read before disposing: still there
        Assert.Throws<ObjectDisposedException>(() => first.Groups.Count);
        Assert.Throws<ObjectDisposedException>(() => first.ToReport(CurrencyCode.EUR));
        var unread = snapshot.Group(grouping);
        unread.Dispose();
        Assert.Throws<ObjectDisposedException>(() => unread.CurrencyTotals);
    }

    [Fact]
    public void BytesPerOpportunity_RealisticNetwork_AtMostTwentyFour()
    {
        var snapshot = PipelineSnapshot.FromRows(Rows(5, 200_000, partners: 2_000));

        Assert.InRange(snapshot.BytesPerOpportunity, 19, 24);
    }

    [Fact]
    public void ToReport_WorkedExampleFromTheDocs_RoundsOnceHalfToEven()
    {
        // docs/forecasting.md, "Worked example".
        var close = new LocalDate(2025, 2, 14);
        var rows = new[]
        {
            new PipelineRow(new PartnerId("P1"), new Money(1000.00m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, close),
            new PipelineRow(new PartnerId("P1"), new Money(0.05m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, close),
            new PipelineRow(new PartnerId("P2"), new Money(333.33m, CurrencyCode.EUR), "Qualification", Probability.FromPercent(10), ForecastCategory.Pipeline, close),
            new PipelineRow(new PartnerId("P2"), new Money(0.15m, CurrencyCode.EUR), "Negotiation", Probability.FromBasisPoints(3_500), ForecastCategory.Commit, close),
            new PipelineRow(new PartnerId("P2"), new Money(200.00m, CurrencyCode.USD), "Negotiation", Probability.FromPercent(80), ForecastCategory.Commit, close),
        };
        var rates = new FixedExchangeRates().Add(CurrencyCode.USD, CurrencyCode.EUR, 0.9m);

        var report = PipelineSnapshot.FromRows(rows).Group(PipelineDimension.Partner).ToReport(CurrencyCode.EUR, rates, close);

        // P1: 1000.00 × 0.5 + 0.05 × 0.5 = 500.025 → 500.02 (half to even).
        Assert.Equal(new PipelineReportLine("P1", 2, new Money(1000.05m, CurrencyCode.EUR), new Money(500.02m, CurrencyCode.EUR)), report.Groups[0]);

        // P2: EUR 333.33 × 0.1 + 0.15 × 0.35 = 33.3330 + 0.0525 = 33.3855; USD 200 × 0.8 = 160 → 144 EUR; total 177.3855 → 177.39.
        Assert.Equal(new PipelineReportLine("P2", 3, new Money(513.48m, CurrencyCode.EUR), new Money(177.39m, CurrencyCode.EUR)), report.Groups[1]);

        // Total from exact sums: 500.025 + 177.3855 = 677.4105 → 677.41 (the lines add to 677.41 here too).
        Assert.Equal(new PipelineReportLine("Total", 5, new Money(1513.53m, CurrencyCode.EUR), new Money(677.41m, CurrencyCode.EUR)), report.Total);
    }

    [Fact]
    public void ToReport_ForeignCurrencyWithoutRates_Throws()
    {
        var rows = Rows(1, 50, 3);
        var totals = PipelineSnapshot.FromRows(rows).Total();

        var missing = Assert.Throws<ExchangeRateNotFoundException>(() => totals.ToReport(CurrencyCode.EUR));
        Assert.Equal(CurrencyCode.EUR, missing.To);
        Assert.NotEqual(CurrencyCode.EUR, missing.From);
    }

    [Fact]
    public void Filter_PeriodPartnerAndWon_KeepsOnlyMatchingRows()
    {
        var rows = Rows(9, 2_000, partners: 10);
        var snapshot = PipelineSnapshot.FromRows(rows);
        var quarter = FiscalCalendar.CalendarYear.Quarter(2025, 3);

        var filtered = snapshot.Filter(new PipelineFilter { Period = quarter, Partner = new PartnerId("P0003"), Won = false });

        Assert.Equal(
            rows.Count(r => quarter.Contains(r.CloseDate) && r.Partner.Value == "P0003" && r.Stage != "Closed won"),
            filtered.Count);
        Assert.All(filtered.Rows(), r => Assert.Equal("P0003", r.Partner.Value));
    }

    [Fact]
    public void Rows_RoundTrip_KeepsEverythingButTheDayOfMonth()
    {
        var rows = Rows(4, 300, partners: 4);
        var back = PipelineSnapshot.FromRows(rows).Rows().ToList();

        static object Key(PipelineRow r) => (r.Partner, r.Amount, r.Stage, r.Probability, r.Category, r.CloseDate.Year, r.CloseDate.Month, r.Region, r.ProductLine);
        Assert.Equal(rows.Select(Key).OrderBy(k => k.ToString()), back.Select(Key).OrderBy(k => k.ToString()));
    }

    [Fact]
    public async Task FromStoreAsync_PartnerScope_SeesOnlyItsOwnOpenDeals()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2025, 1, 10, 9, 0));
        var tenant = new TenantId("acme");
        var store = new InMemoryStore();
        foreach (var (id, partner) in new[] { ("o1", "P1"), ("o2", "P2"), ("o3", "P1") })
        {
            var o = SalesOpportunity.Open(tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId(partner), new Money(100m, CurrencyCode.EUR), new LocalDate(2025, 3, 1)), PipelineDefinition.Default, "u", clock);
            if (id == "o3")
            {
                o.CloseLost("price", "u", clock);
            }

            await store.AddAsync(o);
        }

        var all = await PipelineSnapshot.FromStoreAsync(store, AccessScope.Manufacturer(tenant));
        var own = await PipelineSnapshot.FromStoreAsync(store, AccessScope.ForPartner(tenant, new PartnerId("P1")));

        Assert.Equal(2, all.Count);
        Assert.Equal(1, own.Count);
        Assert.Equal(["P1"], own.Group(PipelineDimension.Partner).Groups.Select(g => g.Key));
    }

    [Fact]
    public void Builder_UnknownCodesAndNegativeAmounts_AreRejected()
    {
        var builder = new PipelineSnapshotBuilder();
        var partner = builder.InternPartner(new PartnerId("P1"));
        var currency = builder.InternCurrency(CurrencyCode.EUR);
        var stage = builder.InternStage("Proposal");

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(partner + 1, 1, Probability.One, stage, ForecastCategory.Commit, currency, new LocalDate(2025, 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(partner, -1, Probability.One, stage, ForecastCategory.Commit, currency, new LocalDate(2025, 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PipelineRow(new PartnerId("P"), new Money(-1m, CurrencyCode.EUR), "Proposal", Probability.One, ForecastCategory.Commit, new LocalDate(2025, 1, 1)));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void PipelineSnapshotOptions_InvalidParallelism_FailsNamingTheOption()
    {
        var ex = Assert.Throws<InputValidationException>(() => new PipelineSnapshotBuilder(new PipelineSnapshotOptions { MaxDegreeOfParallelism = 0 }));

        Assert.Equal(nameof(PipelineSnapshotOptions.MaxDegreeOfParallelism), ex.Errors[0].Location);
    }
}
