using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting.Hierarchy;

public sealed class ForecastHierarchyProperties
{
    [Property(MaxTest = 100)]
    public Property Compute_NoAdjustments_EveryNodeIsTheExactSumOfItsChildren(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var (pipeline, tree) = RandomCase(random);

        var rollup = ForecastHierarchyRollup.Compute(pipeline, tree, Q1, CurrencyCode.EUR);

        foreach (var path in rollup.Paths)
        {
            var node = rollup[path];
            if (node.Children.Count == 0)
            {
                continue;
            }

            var children = node.Children.Select(c => rollup[c]).ToList();
            foreach (var category in Enum.GetValues<ForecastCategory>())
            {
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Count), node.Categories[(int)category].Count);
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Amount.Amount), node.Categories[(int)category].Amount.Amount);
                Assert.Equal(children.Sum(c => c.Forecast[category].Amount), node.Forecast[category].Amount);
            }
        }

        var period = ForecastRollup.Compute(pipeline, Q1, CurrencyCode.EUR);
        Assert.Equal(period.Categories, rollup[rollup.Root].Categories);
        Assert.Equal(period.BestCaseForecast, rollup[rollup.Root].BestCaseForecast);
        return true.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property Compute_OneAdjustment_ReplacesTheNodesFigureInEveryAncestorOnce(PositiveInt seed, NonNegativeInt cents)
    {
        var random = new Random(seed.Get);
        var (pipeline, tree) = RandomCase(random);
        var plain = ForecastHierarchyRollup.Compute(pipeline, tree, Q1, CurrencyCode.EUR);
        var paths = plain.Paths.ToList();
        var target = paths[random.Next(paths.Count)];
        var category = (ForecastCategory)random.Next(5);
        var amount = Money.FromMinorUnits(cents.Get, CurrencyCode.EUR);
        var adjustment = new ForecastAdjustment(target, Q1, category, amount, "m@acme.example", Instant.FromUtc(2025, 2, 3, 9, 0), "call");

        var adjusted = ForecastHierarchyRollup.Compute(pipeline, tree, Q1, CurrencyCode.EUR, [adjustment]);

        var delta = amount - plain[target].Forecast[category];
        foreach (var path in paths)
        {
            var isAncestorOrSelf = target == path || target.StartsWith(path + ForecastNodePath.Separator, StringComparison.Ordinal);
            var expected = isAncestorOrSelf ? plain[path].Forecast[category] + delta : plain[path].Forecast[category];
            Assert.Equal(expected, adjusted[path].Forecast[category]);
            Assert.Equal(plain[path].Categories, adjusted[path].Categories);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property ComputeInParts_SeveralThreads_SameNodesOrderAndFiguresAsOneThread(PositiveInt seed, PositiveInt threads)
    {
        var random = new Random(seed.Get);
        var (single, tree) = RandomCase(random);
        var split = PipelineSnapshot.FromRows(single.Rows(), new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1 + (threads.Get % 5) });

        // In parts first, so the threads meet the partners new to the tree and create their leaves.
        var parallel = ForecastHierarchyRollup.ComputeInParts(split, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: 1);
        var oneThread = ForecastHierarchyRollup.ComputeInParts(split, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: int.MaxValue);

        Assert.Equal(oneThread.Paths, parallel.Paths);
        Assert.All(oneThread.Paths, path => Assert.Equal(Figures(oneThread[path]), Figures(parallel[path])));
        return true.ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property Compute_LongRunsOfOneRegionAndCategory_VectorSumsEqualThePeriodRollupAndTheChildren(PositiveInt seed, PositiveInt threads)
    {
        var random = new Random(seed.Get);
        var (single, tree) = RunsCase(random);
        var split = PipelineSnapshot.FromRows(single.Rows(), new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1 + (threads.Get % 4) });

        var oneThread = ForecastHierarchyRollup.ComputeInParts(single, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: int.MaxValue);
        var parallel = ForecastHierarchyRollup.ComputeInParts(split, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: 1);

        // Leaves are summed row by row when read, inner nodes by the pass over runs: each must be the sum of its children.
        foreach (var path in oneThread.Paths)
        {
            var node = oneThread[path];
            Assert.Equal(Figures(node), Figures(parallel[path]));
            if (node.Children.Count == 0)
            {
                continue;
            }

            var children = node.Children.Select(c => oneThread[c]).ToList();
            foreach (var category in Enum.GetValues<ForecastCategory>())
            {
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Count), node.Categories[(int)category].Count);
                Assert.Equal(children.Sum(c => c.Categories[(int)category].Amount.Amount), node.Categories[(int)category].Amount.Amount);
            }
        }

        var period = ForecastRollup.Compute(single, Q1, CurrencyCode.EUR);
        Assert.Equal(period.Categories, oneThread[oneThread.Root].Categories);
        return true.ToProperty();
    }

    [Property(MaxTest = 80)]
    public Property ComputeInParts_64And128BitSumsOnOneOrSeveralThreads_SameFiguresAndTheRootEqualsADecimalRecompute(PositiveInt seed, PositiveInt threads)
    {
        var random = new Random(seed.Get);
        var (single, tree) = seed.Get % 2 == 0 ? RandomCase(random) : RunsCase(random);
        var split = PipelineSnapshot.FromRows(single.Rows(), new PipelineSnapshotOptions { MaxDegreeOfParallelism = 1 + (threads.Get % 4) });

        // The generated amounts let every sum fit 64 bits, so the first takes the 64-bit worker sums; the others are forced to 128 bits.
        var narrowOne = ForecastHierarchyRollup.ComputeInParts(single, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: int.MaxValue);
        ForecastHierarchyRollup[] others =
        [
            ForecastHierarchyRollup.ComputeInParts(split, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: 1),
            ForecastHierarchyRollup.ComputeInParts(single, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: int.MaxValue, allowNarrow: false),
            ForecastHierarchyRollup.ComputeInParts(split, tree, Q1, CurrencyCode.EUR, null, null, null, minRowsPerWorker: 1, allowNarrow: false),
        ];

        foreach (var other in others)
        {
            Assert.Equal(narrowOne.Paths, other.Paths);
            Assert.All(narrowOne.Paths, path => Assert.Equal(Figures(narrowOne[path]), Figures(other[path])));
        }

        var inQ1 = single.Rows().Where(r => Q1.Contains(r.CloseDate)).ToList();
        var root = narrowOne[narrowOne.Root];
        foreach (var category in Enum.GetValues<ForecastCategory>())
        {
            var rows = inQ1.Where(r => r.Category == category).ToList();
            Assert.Equal(rows.Count, root.Categories[(int)category].Count);
            Assert.Equal(rows.Sum(r => r.Amount.Amount), root.Categories[(int)category].Amount.Amount);
        }

        return true.ToProperty();
    }

    private static string Figures(ForecastNodeRollup node) =>
        $"{node.Level} {node.Key} {node.Parent} [{string.Join(", ", node.Children)}] [{string.Join(", ", node.Categories)}] [{string.Join(", ", node.Forecast)}] {node.OpenWeighted}";

    // Partners with runs of 1–40 rows of one region and category (the vector path and every tail length), months
    // on both sides of the quarter, and now and then a row of another category or region inside a run.
    private static (PipelineSnapshot Pipeline, ForecastHierarchy Tree) RunsCase(Random random)
    {
        string[] regions = ["EMEA", "APAC", "NA"];
        var partners = Enumerable.Range(1, random.Next(1, 6)).Select(i => Partner($"P{i}", i % 2 == 0 ? "anna@acme.example" : null)).ToList();
        var rows = new List<PipelineRow>();
        foreach (var partner in partners)
        {
            for (var run = random.Next(0, 6); run > 0; run--)
            {
                var category = (ForecastCategory)random.Next(5);
                var region = regions[random.Next(regions.Length)];
                for (var n = random.Next(1, 41); n > 0; n--)
                {
                    var odd = random.Next(30) == 0;
                    rows.Add(Row(
                        partner.Id.Value,
                        random.Next(0, 1_000_000) / 100m,
                        odd && random.Next(2) == 0 ? (ForecastCategory)random.Next(5) : category,
                        odd ? regions[random.Next(regions.Length)] : region,
                        random.Next(0, 10_001),
                        month: random.Next(1, 7)));
                }
            }
        }

        ForecastHierarchyLevel[] levels = [ForecastHierarchyLevel.Region, ForecastHierarchyLevel.ChannelManager];
        return (PipelineSnapshot.FromRows(rows), new ForecastHierarchy([.. levels.Where(_ => random.Next(3) != 0)], partners));
    }

    private static (PipelineSnapshot Pipeline, ForecastHierarchy Tree) RandomCase(Random random)
    {
        string[] regions = ["EMEA", "APAC", "NA"];
        string?[] managers = ["anna@acme.example", "bob@acme.example", null];
        var partners = Enumerable.Range(1, random.Next(1, 9)).Select(i => Partner($"P{i}", managers[random.Next(managers.Length)])).ToList();
        var rows = Enumerable.Range(0, random.Next(0, 60)).Select(_ => Row(
            $"P{random.Next(1, partners.Count + 2)}",
            random.Next(0, 1_000_000) / 100m,
            (ForecastCategory)random.Next(5),
            random.Next(4) == 0 ? null : regions[random.Next(regions.Length)],
            random.Next(0, 10_001),
            month: random.Next(1, 7))).ToList();
        var distributors = partners.Where(_ => random.Next(2) == 0).ToDictionary(p => p.Id, _ => $"D{random.Next(3)}");
        ForecastHierarchyLevel[] levels = [ForecastHierarchyLevel.Region, ForecastHierarchyLevel.ChannelManager, ForecastHierarchyLevel.OfPartner("distributor", distributors)];
        var chosen = levels.Where(_ => random.Next(3) != 0).OrderBy(_ => random.Next()).ToList();
        return (PipelineSnapshot.FromRows(rows), new ForecastHierarchy(chosen, partners));
    }
}
