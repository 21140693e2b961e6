using PartnerPipeline.Cli;
using static PartnerPipeline.Tests.SampleCommandTests;

namespace PartnerPipeline.Tests;

/// <summary>Real data in and out of the sample: export, import with history, calibrate, dry runs and honest exit codes.</summary>
public sealed class DataRoundTripTests : IClassFixture<SimulatedDatabase>
{
    private readonly SimulatedDatabase _db;

    public DataRoundTripTests(SimulatedDatabase db) => _db = db;

    private string File(string name) => Path.Combine(_db.Folder.FullName, name);

    [Fact]
    public void ExportThenImport_IntoAFreshDatabase_CalibrateAndForecastGiveTheOriginalsAnswers()
    {
        var csv = File("round-trip.csv");
        var copy = File("round-trip.db");

        var (exportCode, exported) = Run("export", csv, "--db", _db.Path);
        var (importCode, imported) = Run("import", csv, "--db", copy);

        Assert.Equal((0, 0), (exportCode, importCode));
        var rows = System.IO.File.ReadAllLines(csv).Length - 1;
        Assert.Contains($"Exported {rows:N0} opportunities", exported, StringComparison.Ordinal);
        Assert.Contains($"Imported {rows:N0} of {rows:N0} rows", imported, StringComparison.Ordinal);
        var calibration = Run("calibrate", "--db", _db.Path).Output;
        Assert.Contains("Time split of", calibration, StringComparison.Ordinal); // there are closed deals to learn from
        Assert.Equal(calibration, Run("calibrate", "--db", copy).Output);
        foreach (var by in new[] { "stage", "partner", "quarter", "category", "region", "product_line" })
        {
            Assert.Equal(Run("forecast", "--db", _db.Path, "--by", by, "--format", "json").Output, Run("forecast", "--db", copy, "--by", by, "--format", "json").Output);
        }

        var (reimportCode, reimported) = Run("export", File("round-trip-2.csv"), "--db", copy);
        Assert.Equal(0, reimportCode);
        Assert.Contains($"Exported {rows:N0}", reimported, StringComparison.Ordinal);
        Assert.Equal(System.IO.File.ReadAllText(csv), System.IO.File.ReadAllText(File("round-trip-2.csv"))); // partner names, dates, reasons and histories all came across
    }

    [Fact]
    public void ImportDryRun_ListsEveryProblemOfEveryLine_AndWritesNothing()
    {
        var csv = File("dry.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency,expected_close\nX1,P001,Proposal,1000.00,EUR,2026-12-31\nX2,P 002,Proposal,-5,EUR,someday\nX3,P003,Haggling,7,EUR,2026-12-31\n");
        var target = File("dry.db");

        var (error, output) = RunFailing("import", csv, "--db", target, "--dry-run");

        Assert.Empty(output); // a dry run that would import nothing fails as the import does: on stderr, exit code 2
        Assert.Equal(
            ["line 3, column partner", "line 3, column amount", "line 3, column expected_close", "line 4, column stage"],
            error.Message.Split('\n').Where(l => l.StartsWith("  line", StringComparison.Ordinal)).Select(l => l.Trim()[..l.Trim().IndexOf(':', StringComparison.Ordinal)]));
        Assert.StartsWith("dry run: 0 of 3 rows would be imported", error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(target));

        var (skipCode, skipOutput) = Run("import", csv, "--db", target, "--dry-run", "--skip-bad-rows");
        Assert.Equal(0, skipCode);
        Assert.Contains("dry run: 1 of 3 rows would be imported", skipOutput, StringComparison.Ordinal);
        Assert.Contains("rows with problems: 2", skipOutput, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(target));
    }

    [Fact]
    public void ImportDryRun_IdsAlreadyStored_AreProblems()
    {
        var csv = File("dry-stored.csv");
        Run("export", csv, "--db", _db.Path);

        var (error, _) = RunFailing("import", csv, "--db", _db.Path, "--dry-run");

        Assert.Contains("column id: Opportunity", error.Message, StringComparison.Ordinal);
        Assert.Contains("is already stored", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MoreThanAThousandIdsAlreadyStored_CountsEveryOneOfThem()
    {
        var csv = File("thousands.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency\n" + string.Concat(Enumerable.Range(1, 1100).Select(i => $"T{i},P001,Proposal,10,EUR\n")));
        var target = File("thousands.db");
        Assert.Equal(0, Run("import", csv, "--db", target).ExitCode);

        var (error, _) = RunFailing("import", csv, "--db", target);

        Assert.Contains("is already stored. (and 1,099 more;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_HeaderOnly_PrintsNoSummaryBeforeTheError()
    {
        var csv = File("header-only.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency\n");

        var (error, output) = RunFailing("import", csv, "--db", File("header-only.db"));

        Assert.Empty(output);
        Assert.Contains("the file has no data rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_SkippedRows_AreListedInLineOrder()
    {
        var target = File("order.db");
        var first = File("order-1.csv");
        System.IO.File.WriteAllText(first, "id,partner,stage,amount,currency\nS1,P001,Proposal,10,EUR\n");
        Assert.Equal(0, Run("import", first, "--db", target).ExitCode);
        var second = File("order-2.csv");
        System.IO.File.WriteAllText(second, "id,partner,stage,amount,currency\nS1,P001,Proposal,10,EUR\nS2,P001,Proposal,-1,EUR\nS3,P001,Proposal,10,EUR\n");

        var (code, output) = Run("import", second, "--db", target, "--skip-bad-rows");

        Assert.Equal(0, code);
        Assert.Equal(
            ["line 2", "line 3"],
            output.Split('\n').Where(l => l.StartsWith("  skipped ", StringComparison.Ordinal)).Select(l => l["  skipped ".Length..l.IndexOf(',', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Import_DryRunAndRealImportOfABadFile_FailTheSameWay()
    {
        var csv = File("same-way.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency\nW1,P001,Proposal,-1,EUR\n");
        var target = File("same-way.db");

        var (dry, dryOutput) = RunFailing("import", csv, "--db", target, "--dry-run");
        var (real, realOutput) = RunFailing("import", csv, "--db", target);

        Assert.Equal((string.Empty, string.Empty), (dryOutput, realOutput));
        Assert.Contains("line 2, column amount", dry.Message, StringComparison.Ordinal);
        Assert.Contains("line 2, column amount", real.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_AllRowsBadWithSkipBadRows_FailsAndLeavesNoDatabase()
    {
        var csv = File("all-bad.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency\nX1,P001,Proposal,-1,EUR\nX2,P002,Haggling,5,EUR\n");
        var target = File("all-bad.db");

        var ex = Assert.Throws<UsageException>(() => Run("import", csv, "--db", target, "--skip-bad-rows"));

        Assert.Contains("nothing was imported (all 2 rows were skipped)", ex.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(target));
    }

    [Fact]
    public void Import_SkippedRowsCountRows_AndAReimportReportsNothingNew()
    {
        var csv = File("counts.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency,region\nC1,P001,Proposal,10,EUR,NL\nC2,P 2,Proposal,-1,EUR,NL\nC3,P003,Proposal,10,EUR,BE\n");
        var target = File("counts.db");

        var (code, output) = Run("import", csv, "--db", target, "--skip-bad-rows");
        var ex = Assert.Throws<UsageException>(() => Run("import", csv, "--db", target, "--skip-bad-rows"));

        Assert.Equal(0, code);
        Assert.Contains("Imported 2 of 3 rows", output, StringComparison.Ordinal);
        Assert.Contains("new partners: 2, new regions: 2, skipped rows: 1.", output, StringComparison.Ordinal); // one row, two problems
        Assert.Contains("nothing was imported (all 3 rows were skipped)", ex.Message, StringComparison.Ordinal);

        var more = File("counts-more.csv");
        System.IO.File.WriteAllText(more, "id,partner,stage,amount,currency,region\nC4,P001,Proposal,10,EUR,NL\nC5,P005,Proposal,10,EUR,LU\n");
        var (_, again) = Run("import", more, "--db", target);
        Assert.Contains("new partners: 1, new regions: 1, skipped rows: 0.", again, StringComparison.Ordinal);
    }

    [Fact]
    public void Calibrate_DatabaseWithoutClosedDeals_IsAUsageErrorSayingWhatIsMissing()
    {
        var csv = File("open-only.csv");
        System.IO.File.WriteAllText(csv, "id,partner,stage,amount,currency\nO1,P001,Proposal,10,EUR\n");
        var target = File("open-only.db");
        Run("import", csv, "--db", target);

        var ex = Assert.Throws<UsageException>(() => Run("calibrate", "--db", target));

        Assert.Contains("found 0", ex.Message, StringComparison.Ordinal);
    }
}
