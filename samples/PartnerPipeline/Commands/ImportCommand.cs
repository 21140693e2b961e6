using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Import;
using Opportunity.Persistence;
using Opportunity.Persistence.AdapterSupport;
using PartnerPipeline.Cli;
using PartnerPipeline.Simulation;

namespace PartnerPipeline.Commands;

/// <summary>
/// Imports opportunities from a CSV file into the database (created when missing): the whole file
/// in one transaction, or nothing. <c>--dry-run</c> checks the file against the database and lists
/// every problem without writing anything. The exit code is 0 only when rows were (or, in a dry
/// run, would be) imported and none was refused without <c>--skip-bad-rows</c>; a failure, dry run or
/// not, is a usage error (stderr, exit code 2).
/// </summary>
internal static class ImportCommand
{
    /// <summary>Skipped rows listed after an import; a dry run lists all.</summary>
    private const int ListedProblems = 10;

    public static async Task<int> ExecuteAsync(Arguments arguments, TextWriter output)
    {
        var path = Commands.DatabasePath(arguments);
        var skipBadRows = arguments.Flag("skip-bad-rows");
        var dryRun = arguments.Flag("dry-run");
        arguments.EnsureAllUsed(1);
        var file = arguments.Positional.Count == 1 ? arguments.Positional[0] : throw new UsageException("import needs a CSV file, e.g. 'import opportunities.csv'");
        if (!File.Exists(file))
        {
            throw new UsageException($"no file '{file}'");
        }

        var existed = File.Exists(path);
        var stored = existed ? await StoredAsync(path) : Stored.None;
        var options = new OpportunityCsvOptions(SampleNetwork.Tenant) { SkipBadRows = skipBadRows, KnownPartners = stored.Partners, KnownRegions = stored.Regions };
        if (dryRun)
        {
            return DryRun(file, path, options, stored, output);
        }

        ValidationResult<OpportunityImportSummary> result;
        await using (var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End)))
        using (var reader = new StreamReader(file))
        {
            result = await OpportunityCsvImporter.ImportAsync(
                reader,
                services.GetRequiredService<IOpportunityImporter>(),
                services.GetRequiredService<IPartnerDirectory>(),
                options,
                services.GetRequiredService<IClock>());
        }

        if (!existed && (!result.IsValid || result.Value.Imported == 0))
        {
            DeleteDatabase(path); // a failed import into a new file leaves no empty database behind
        }

        if (!result.IsValid)
        {
            var first = result.Errors[0];
            var more = result.Errors.Count > 1 ? $" (and {result.Errors.Count - 1:N0} more; nothing was imported; --dry-run lists them all, --skip-bad-rows imports the good rows)" : " (nothing was imported)";
            throw new UsageException($"{file}: {first.Location}: {first.Message}{more}");
        }

        var import = result.Value;
        if (import.Imported == 0)
        {
            throw new UsageException($"{file}: nothing was imported ({(import.RecordsRead == 0 ? "the file has no data rows" : $"all {import.RecordsRead:N0} rows were skipped")})");
        }

        var skippedRows = import.RecordsRead - import.Imported;
        output.WriteLine($"Imported {import.Imported:N0} of {import.RecordsRead:N0} rows into {path}; new partners: {import.NewPartners.Count}, new regions: {import.NewRegions.Count}, skipped rows: {skippedRows:N0}.");
        foreach (var skipped in import.SkippedRows.OrderBy(p => LineOf(p.Location)).Take(ListedProblems))
        {
            output.WriteLine($"  skipped {skipped.Location}: {skipped.Message}");
        }

        if (import.SkippedRows.Count > ListedProblems)
        {
            output.WriteLine($"  … {import.SkippedRows.Count - ListedProblems:N0} more problems (--dry-run lists them all)");
        }

        return 0;
    }

    // Every problem of every line, ids already stored included; nothing is written (not even a new
    // database file). A file that would import nothing fails as the real import does: the problems on
    // stderr (one per line, after the summary) and exit code 2.
    private static int DryRun(string file, string path, OpportunityCsvOptions options, Stored stored, TextWriter output)
    {
        var check = Check(file, options, stored);
        if (check.Import is not { } import)
        {
            throw Failure(check.Problems, $"dry run: {file} cannot be read; nothing would be imported");
        }

        var problems = check.Problems;
        var good = import.Rows.Where(r => !stored.Ids.Contains(r.Opportunity.Id)).ToList();
        var wouldImport = problems.Count == 0 || options.SkipBadRows ? good.Count : 0;
        var partners = good.Select(r => r.Opportunity.Partner).Where(p => !stored.Partners.Contains(p)).Distinct().Count();
        var regions = good.Select(r => r.Opportunity.Region).OfType<string>().Where(r => !stored.Regions.Contains(r)).Distinct(StringComparer.Ordinal).Count();
        var summary = $"dry run: {wouldImport:N0} of {import.RecordsRead:N0} rows would be imported into {path}; new partners: {(wouldImport > 0 ? partners : 0)}, new regions: {(wouldImport > 0 ? regions : 0)}, rows with problems: {import.RecordsRead - good.Count:N0}; nothing was written";
        if (wouldImport == 0)
        {
            throw Failure(problems, summary);
        }

        foreach (var problem in problems)
        {
            output.WriteLine($"  {problem.Location}: {problem.Message}");
        }

        output.WriteLine(summary + ".");
        return 0;
    }

    // The file parsed with every bad row kept as a problem, and the ids already stored as problems,
    // in line order; Import is null when the file cannot be read at all (Problems then say why).
    private static (OpportunityImport? Import, List<ValidationError> Problems) Check(string file, OpportunityCsvOptions options, Stored stored)
    {
        ValidationResult<OpportunityImport> parsed;
        using (var reader = new StreamReader(file))
        {
            parsed = OpportunityCsvImporter.Parse(reader, options with { SkipBadRows = true }, new FakeClock(QuarterSimulation.End));
        }

        if (!parsed.IsValid)
        {
            return (null, [.. parsed.Errors]);
        }

        var import = parsed.Value;
        var problems = import.SkippedRows
            .Concat(import.Rows.Where(r => stored.Ids.Contains(r.Opportunity.Id)).Select(r => new ValidationError($"line {r.Line}, column id", OpportunityImportRules.AlreadyStored(0, r.Opportunity.Tenant, r.Opportunity.Id).Message)))
            .OrderBy(p => LineOf(p.Location))
            .ToList();
        return (import, problems);
    }

    private static UsageException Failure(IEnumerable<ValidationError> problems, string summary) =>
        new(string.Join('\n', problems.Select(p => $"  {p.Location}: {p.Message}").Prepend(summary + ".")));

    /// <summary>What the database holds already: the ids (refused again), the partners and the regions (not new).</summary>
    private sealed record Stored(IReadOnlySet<OpportunityId> Ids, IReadOnlySet<PartnerId> Partners, IReadOnlySet<string> Regions)
    {
        public static Stored None { get; } = new(new HashSet<OpportunityId>(), new HashSet<PartnerId>(), new HashSet<string>(StringComparer.Ordinal));
    }

    private static async Task<Stored> StoredAsync(string path)
    {
        await using var services = SampleHost.Create(path, new FakeClock(QuarterSimulation.End));
        var ids = new HashSet<OpportunityId>();
        var regions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var opportunity in services.GetRequiredService<IOpportunityStore>().QueryAsync(AccessScope.Manufacturer(SampleNetwork.Tenant), OpportunityQuery.All))
        {
            ids.Add(opportunity.Id);
            if (opportunity.Region is { } region)
            {
                regions.Add(region);
            }
        }

        var partners = new HashSet<PartnerId>();
        await foreach (var partner in services.GetRequiredService<IPartnerDirectory>().ListAsync(SampleNetwork.Tenant))
        {
            partners.Add(partner.Id);
        }

        return new Stored(ids, partners, regions);
    }

    private static void DeleteDatabase(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    // "line 9, column id" → 9; problems are listed by line, in their order within a line.
    private static int LineOf(string location) =>
        location.StartsWith("line ", StringComparison.Ordinal)
        && int.TryParse(location.AsSpan(5).TrimEnd().ToString().Split(',')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var line)
            ? line
            : 0;
}
