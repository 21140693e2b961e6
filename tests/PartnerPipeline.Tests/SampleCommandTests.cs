using System.Text.Json;
using PartnerPipeline.Cli;
using PartnerPipeline.Commands;

namespace PartnerPipeline.Tests;

/// <summary>The sample's commands end to end on a small simulated network in a temporary SQLite file.</summary>
public sealed class SampleCommandTests : IClassFixture<SampleCommandTests.SimulatedDatabase>
{
    private readonly SimulatedDatabase _db;

    public SampleCommandTests(SimulatedDatabase db) => _db = db;

    public sealed class SimulatedDatabase : IDisposable
    {
        public SimulatedDatabase()
        {
            Folder = Directory.CreateTempSubdirectory("partner-pipeline-");
            Path = System.IO.Path.Combine(Folder.FullName, "sample.db");
            (ExitCode, Output) = Run("run", "--db", Path, "--partners", "40", "--leads", "150", "--target", "400000");
        }

        public DirectoryInfo Folder { get; }

        public string Path { get; }

        public int ExitCode { get; }

        public string Output { get; }

        public void Dispose() => Folder.Delete(recursive: true);
    }

    internal static (int ExitCode, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        var code = Commands.Commands.RunAsync(Arguments.Parse(args, Commands.Commands.Names, Commands.Commands.Flags), output).GetAwaiter().GetResult();
        return (code, output.ToString());
    }

    /// <summary>A command that must fail with a usage error: the error and what it printed before failing.</summary>
    internal static (UsageException Error, string Output) RunFailing(params string[] args)
    {
        using var output = new StringWriter();
        var error = Assert.Throws<UsageException>(() => Commands.Commands.RunAsync(Arguments.Parse(args, Commands.Commands.Names, Commands.Commands.Flags), output).GetAwaiter().GetResult());
        return (error, output.ToString());
    }

    [Fact]
    public void Run_SmallNetwork_PrintsPipelineForecastScorecardAndStatistics()
    {
        Assert.Equal(0, _db.ExitCode);
        Assert.Contains("Open pipeline by stage (EUR)", _db.Output, StringComparison.Ordinal);
        Assert.Contains("Forecast 2026-Q4", _db.Output, StringComparison.Ordinal);
        Assert.Contains("Partner scorecard", _db.Output, StringComparison.Ordinal);
        Assert.Contains("LeadAssigned events", _db.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(_db.Path));
    }

    [Fact]
    public void Run_SmallNetwork_PartnersRegisterDealsAndTheRunCountsEveryRegistrationOutcome()
    {
        var counts = _db.Output.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\s+(?<key>\S.*?)\s{2,}(?<value>[\d,]+)\s*$"))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups["key"].Value.Trim())
            .ToDictionary(g => g.Key, g => int.Parse(g.First().Groups["value"].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(3, counts["Deals registered by partners"]);
        Assert.Equal(3, counts["approved (protected)"] + counts["rejected"]);
        Assert.Equal(counts["Deals registered by partners"], counts["DealRegistered events"]);
        Assert.Equal(counts["expired unconverted"], counts["DealRegistrationExpired events"]);
        Assert.Equal(counts["expired unconverted"], counts.GetValueOrDefault("Leads now RegistrationExpired"));
    }

    [Fact]
    public void Run_SameSeedTwice_PrintsTheSameReport()
    {
        var other = Path.Combine(_db.Folder.FullName, "again.db");
        var (code, output) = Run("run", "--db", other, "--partners", "40", "--leads", "150", "--target", "400000");
        Assert.Equal(0, code);
        Assert.Equal(_db.Output.Replace(_db.Path, "DB", StringComparison.Ordinal), output.Replace(other, "DB", StringComparison.Ordinal));
    }

    [Fact]
    public void ForecastJson_GroupsAddUpToTheTotal_WithExactDecimalStrings()
    {
        var (code, json) = Run("forecast", "--db", _db.Path, "--by", "partner", "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("EUR", doc.RootElement.GetProperty("currency").GetString());
        var groups = doc.RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.NotEmpty(groups);
        var amount = groups.Sum(g => decimal.Parse(g.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var count = groups.Sum(g => g.GetProperty("count").GetInt64());
        var total = doc.RootElement.GetProperty("total");
        Assert.Equal(decimal.Parse(total.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture), amount);
        Assert.Equal(total.GetProperty("count").GetInt64(), count);
    }

    [Fact]
    public void ForecastByHierarchy_RootCountsEveryOpenDealAndRegionsAreItsChildren()
    {
        var (code, text) = Run("forecast", "--db", _db.Path, "--by", "hierarchy");
        var (_, json) = Run("forecast", "--db", _db.Path, "--format", "json");

        Assert.Equal(0, code);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Open pipeline by hierarchy node", lines[0], StringComparison.Ordinal);
        var root = lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("network", root[0]);
        Assert.Equal(doc.RootElement.GetProperty("total").GetProperty("count").GetInt64(), long.Parse(root[1], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(lines, l => l.StartsWith("    region ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("partner ", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_KnownLead_PrintsTheTrace()
    {
        var (code, output) = Run("explain", "L00001", "--db", _db.Path);
        Assert.Equal(0, code);
        Assert.Contains("Routing of lead L00001 with rule set 'sample-network'", output, StringComparison.Ordinal);
        Assert.Contains("Result:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("forecast", "--by", "colour")]
    [InlineData("forecast", "--bogus", "1")]
    [InlineData("explain")]
    [InlineData("replay")]
    [InlineData("run", "--leads", "many")]
    [InlineData("report")]
    public void BadArguments_AreUsageErrors(params string[] args)
    {
        var withDb = args.Concat(args[0] is "frobnicate" or "run" ? [] : new[] { "--db", _db.Path }).ToArray();
        var ex = Assert.Throws<UsageException>(() => Run(withDb));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void UnknownOptionWithoutValue_IsReportedAsUnknown()
    {
        var csv = Path.Combine(_db.Folder.FullName, "unknown-option.csv");
        File.WriteAllText(csv, "id,partner,stage,amount,currency\nQ1,P001,Proposal,10,EUR\n");

        var (error, _) = RunFailing("import", csv, "--db", Path.Combine(_db.Folder.FullName, "unknown-option.db"), "--bogus");
        var (known, _) = RunFailing("forecast", "--db", _db.Path, "--by");

        Assert.StartsWith("unknown option '--bogus'", error.Message, StringComparison.Ordinal);
        Assert.Equal("option '--by' needs a value", known.Message);
    }

    [Fact]
    public void MissingDatabase_IsAUsageErrorNamingThePath()
    {
        var ex = Assert.Throws<UsageException>(() => Run("forecast", "--db", "/nonexistent/x.db"));
        Assert.Contains("/nonexistent/x.db", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_BadRow_ImportsNothingAndNamesLineAndColumn()
    {
        var csv = Path.Combine(_db.Folder.FullName, "bad.csv");
        File.WriteAllText(csv, "id,partner,stage,amount,currency,expected_close\nX1,P001,Proposal,1000.00,EUR,2026-12-31\nX2,P002,Proposal,-5,EUR,2026-12-31\n");
        var target = Path.Combine(_db.Folder.FullName, "import.db");
        var ex = Assert.Throws<UsageException>(() => Run("import", csv, "--db", target));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("amount", ex.Message, StringComparison.Ordinal);

        var (code, output) = Run("import", csv, "--db", target, "--skip-bad-rows");
        Assert.Equal(0, code);
        Assert.Contains("Imported 1 of 2 rows", output, StringComparison.Ordinal);
        var (_, json) = Run("forecast", "--db", target, "--format", "json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("1000.00", doc.RootElement.GetProperty("total").GetProperty("amount").GetString());
    }

    [ChromiumFact]
    public void ReportHtml_FromTheDatabase_DrawsTheDatabaseNumbers()
    {
        var html = Path.Combine(_db.Folder.FullName, "report.html");
        var (code, _) = Run("report", "--html", html, "--db", _db.Path, "--target", "400000");
        Assert.Equal(0, code);
        var model = Commands.ReportCommand.BuildAsync(_db.Path, Simulation.QuarterSimulation.End, 400_000m).GetAwaiter().GetResult();
        var dom = HeadlessChromium.DumpDom(HeadlessChromium.Find()!, html);
        foreach (var stage in model.Stages)
        {
            Assert.Contains($"data-stage=\"{stage.Stage}\" data-count=\"{stage.Count}\" data-amount=\"{stage.Amount:0.00}\"", dom, StringComparison.Ordinal);
        }

        Assert.Contains(FormattableString.Invariant($"data-quantile=\"P50\" data-value=\"{model.Forecast.P50:0.00}\""), dom, StringComparison.Ordinal);
    }
}
