using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Import;

/// <summary>
/// Imports opportunities from CSV (RFC 4180) with the canonical header
/// <c>id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line</c>.
/// The first five columns are required, the last five optional (the column may be absent or the
/// cell empty); columns may come in any order; names are case-insensitive. Every problem is a
/// <see cref="ValidationError"/> naming its line and column (<c>line 14, column amount</c>), and a
/// file with errors imports nothing unless <see cref="OpportunityCsvOptions.SkipBadRows"/> is set.
/// </summary>
/// <example>
/// <code>
/// using var reader = File.OpenText("crm-export.csv");
/// var result = await OpportunityCsvImporter.ImportAsync(reader, importer, directory, new OpportunityCsvOptions(tenant), clock);
/// if (!result.IsValid) { foreach (var e in result.Errors) Console.Error.WriteLine(e); return; } // nothing was written
/// </code>
/// </example>
public static class OpportunityCsvImporter
{
    /// <summary>The canonical header.</summary>
    public const string CanonicalHeader = "id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line";

    private static readonly string[] Columns = CanonicalHeader.Split(',');
    private static readonly string[] Required = ["id", "partner", "stage", "amount", "currency"];

    /// <summary>Reads and validates a CSV file into new (unsaved) opportunities.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="options">Tenant, pipeline and how to treat bad rows.</param>
    /// <param name="clock">Stamps the opportunities' events and gives "today" for default close dates.</param>
    /// <returns>The import, or every error found when the file has errors and bad rows are not skipped.</returns>
    public static ValidationResult<OpportunityImport> Parse(TextReader reader, OpportunityCsvOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var read = Read(reader, options, clock, keepOpportunities: true);
        if (!read.IsValid)
        {
            return ValidationResult<OpportunityImport>.Failure(read.Errors);
        }

        var file = read.Value;
        return ValidationResult<OpportunityImport>.Success(new OpportunityImport
        {
            Rows = [.. file.Rows.Select(r => new ImportedOpportunity(r.Line, r.Opportunity!))],
            NewPartners = NewPartnersOf(file.Rows, options.KnownPartners ?? new HashSet<PartnerId>(), options.Tenant),
            NewRegions = NewRegionsOf(file.Rows, options),
            SkippedRows = file.Problems,
            RecordsRead = file.Records,
        });
    }

    /// <summary>
    /// Reads and validates the whole file first, then imports it with one call of
    /// <see cref="IOpportunityImporter.ImportAsync(OpportunityImportBatch, CancellationToken)"/>:
    /// the rows, the partners named in the file but not in <paramref name="partners"/> yet, and
    /// the opportunities' domain events (outbox) commit in one transaction or not at all. Without
    /// <see cref="OpportunityCsvOptions.SkipBadRows"/> any bad row — or an id that is stored
    /// already — fails the whole file and nothing is written; with it the good rows are imported
    /// (still in one transaction) and the others reported. A crash or cancellation part-way leaves
    /// nothing, so the same file can simply be imported again. Every row is stamped with the one
    /// instant the import started at. The opportunities are streamed to the store in chunks and
    /// not kept (a file of millions of rows is imported in bounded memory apart from its checked
    /// cells), so the result counts them instead of returning them; <see cref="Parse"/> returns
    /// the aggregates.
    /// </summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="importer">The store's bulk importer (every adapter of this library has one).</param>
    /// <param name="partners">Read once to know which partners exist; new ones are created by the importer, in the same transaction.</param>
    /// <param name="options">Tenant, pipeline and how to treat bad rows.</param>
    /// <param name="clock">Gives the instant that stamps every row's events and "today" for default close dates.</param>
    /// <param name="cancellationToken">Cancels the import (nothing is written).</param>
    /// <returns>What was imported, or every error, each naming its line and column (<c>line 14, column id</c>).</returns>
    public static async Task<ValidationResult<OpportunityImportSummary>> ImportAsync(TextReader reader, IOpportunityImporter importer, IPartnerDirectory partners, OpportunityCsvOptions options, IClock clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);

        // Each aggregate is built again while the store streams (once, for its document and its
        // events together) instead of being kept: it must see the instant the check saw.
        var stamp = new FixedClock(clock.GetCurrentInstant());
        var read = Read(reader, options, stamp, keepOpportunities: false);
        if (!read.IsValid)
        {
            return ValidationResult<OpportunityImportSummary>.Failure(read.Errors);
        }

        var file = read.Value;
        var known = new HashSet<PartnerId>(options.KnownPartners ?? new HashSet<PartnerId>());
        await foreach (var partner in partners.ListAsync(options.Tenant, cancellationToken).ConfigureAwait(false))
        {
            known.Add(partner.Id);
        }

        var rows = file.Rows;
        var skipped = new List<ValidationError>(file.Problems);

        // With skipping, rows the store refuses (ids stored already) are left out and the rest is
        // tried once more; the first attempt wrote nothing.
        for (var attempt = 0; ; attempt++)
        {
            var newPartners = NewPartnersOf(rows, known, options.Tenant);
            var batch = new OpportunityImportBatch
            {
                NewPartners = newPartners,
                Rows = InParallelChunks(rows, r => ImportRow(Create(r.Draft, options, stamp), options.PerRowEvents)),
                Messages = Summary(rows, newPartners.Count, options, stamp.GetCurrentInstant()),
            };
            var result = await importer.ImportAsync(batch, cancellationToken).ConfigureAwait(false);
            if (result.IsValid)
            {
                return ValidationResult<OpportunityImportSummary>.Success(new OpportunityImportSummary
                {
                    Imported = rows.Count,
                    NewPartners = newPartners,
                    NewRegions = NewRegionsOf(rows, options),
                    SkippedRows = skipped,
                    RecordsRead = file.Records,
                });
            }

            var errors = result.Errors.Select(e => ToLine(e, rows)).ToList();
            if (!options.SkipBadRows || attempt > 0 || errors.Any(e => e.Row is null))
            {
                return ValidationResult<OpportunityImportSummary>.Failure([.. errors.Select(e => e.Error)]);
            }

            var refused = errors.Select(e => e.Row!.Value).ToHashSet();
            skipped.AddRange(errors.Select(e => e.Error));
            rows = [.. rows.Where((_, i) => !refused.Contains(i))];
        }
    }

    /// <summary>The checked rows of a file, the problems of the rows left out (when skipping) and the number of records.</summary>
    private sealed record CsvFile(List<ValidRow> Rows, List<ValidationError> Problems, int Records);

    /// <summary>A checked row: its line, its cells as a draft and (only for <see cref="Parse"/>) the aggregate built from them.</summary>
    private readonly record struct ValidRow(int Line, Draft Draft, SalesOpportunity? Opportunity);

    // Reads and checks every record; fails with every problem unless bad rows are skipped.
    private static ValidationResult<CsvFile> Read(TextReader reader, OpportunityCsvOptions options, IClock clock, bool keepOpportunities)
    {
        var csv = new CsvReader(reader);
        var header = csv.Read(out var headerError);
        if (header is null)
        {
            return ValidationResult<CsvFile>.Failure([new ValidationError("line 1", $"The file is empty; expected the header '{CanonicalHeader}'.")]);
        }

        var errors = new List<ValidationError>();
        if (headerError is not null)
        {
            errors.Add(new ValidationError("line 1", $"Malformed header: {headerError}."));
        }

        var index = ReadHeader(header, errors);
        if (errors.Count > 0)
        {
            return ValidationResult<CsvFile>.Failure(errors);
        }

        csv.ShareValues(index.Where(c => c.Key is not ("id" or "amount")).Select(c => c.Value));
        var today = clock.GetCurrentInstant().InZone(options.Zone).Date;
        var rows = new List<ValidRow>();
        var rowErrors = new List<ValidationError>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = 0;

        // Records are read in order, checked and built in parallel blocks (the costly part), and
        // merged in order: duplicates and error order are exactly as if read one by one.
        var block = new List<(CsvRecord Record, string? Error)>(ParseBlock);
        var results = new RowResult[ParseBlock];
        var more = true;
        while (more)
        {
            block.Clear();
            while (block.Count < ParseBlock)
            {
                if (csv.Read(out var recordError) is not { } record)
                {
                    more = false;
                    break;
                }

                block.Add((record, recordError));
            }

            Parallel.For(0, block.Count, i => results[i] = Evaluate(block[i].Record, block[i].Error, header, index, options, today, clock, keepOpportunities));
            for (var i = 0; i < block.Count; i++)
            {
                var (record, result) = (block[i].Record, results[i]);
                if (result.Blank)
                {
                    continue;
                }

                records++;
                var problems = result.Problems;
                if (result.IdText is { } idText && seenIds.TryGetValue(idText, out var firstLine))
                {
                    problems.Insert(0, new ValidationError($"line {record.Line}, column id", $"Id '{idText}' appears already on line {firstLine}."));
                }
                else if (result.Draft is { } draft)
                {
                    rows.Add(new ValidRow(record.Line, draft, result.Opportunity));
                    seenIds[draft.Id.Value] = record.Line;
                }

                rowErrors.AddRange(problems);
            }
        }

        return rowErrors.Count > 0 && !options.SkipBadRows
            ? ValidationResult<CsvFile>.Failure(rowErrors)
            : ValidationResult<CsvFile>.Success(new CsvFile(rows, rowErrors, records));
    }

    // Rows (snapshot and event JSON) are built a block at a time on every core, lazily (the store
    // reads them inside its transaction), in row order; nothing of a block is kept once it is read.
    private static IEnumerable<T> InParallelChunks<T>(IReadOnlyList<ValidRow> rows, Func<ValidRow, T> build)
    {
        var parts = new T[ParseBlock];
        for (var start = 0; start < rows.Count; start += ParseBlock)
        {
            var count = Math.Min(ParseBlock, rows.Count - start);
            var from = start;
            Parallel.For(0, count, i => parts[i] = build(rows[from + i]));
            for (var i = 0; i < count; i++)
            {
                yield return parts[i];
            }
        }
    }

    // One build gives the store both the document and (when asked for) the events of a row.
    private static OpportunityImportRow ImportRow(SalesOpportunity opportunity, bool withEvents)
    {
        if (!withEvents)
        {
            return new OpportunityImportRow(opportunity.ToSnapshot(), []);
        }

        var events = opportunity.PendingEvents;
        var messages = new OutboxMessage[events.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = OutboxMessage.FromDomainEvent(events[i]);
        }

        return new OpportunityImportRow(opportunity.ToSnapshot(), messages);
    }

    // The import's one outbox message: per-row events cost about as much of SQLite's single writer
    // as the rows themselves, and every row is on the change feed (docs/performance.md, "Import in 0.3.0, part 2").
    private static OutboxMessage[] Summary(List<ValidRow> rows, int newPartners, OpportunityCsvOptions options, Instant at)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var won = rows.Count(r => r.Draft.Stage.Kind == StageKind.Won);
        var lost = rows.Count(r => r.Draft.Stage.Kind == StageKind.Lost);
        var imported = new OpportunitiesImported(rows.Count, rows.Count - won - lost, won, lost, newPartners, rows[0].Draft.Id, rows[^1].Draft.Id)
        {
            Tenant = options.Tenant,
            AggregateKind = OpportunitiesImported.Kind,
            AggregateId = rows[0].Draft.Id.Value,
            Sequence = 1,
            OccurredAt = at,
            Actor = options.Actor,
        };
        return [OutboxMessage.FromDomainEvent(imported)];
    }

    private static List<Partner> NewPartnersOf(IReadOnlyList<ValidRow> rows, IReadOnlySet<PartnerId> known, TenantId tenant) =>
        [.. rows.Select(r => r.Draft.Value.Partner).Distinct().Where(p => !known.Contains(p))
            .OrderBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => new Partner(tenant, p, p.Value, PartnerTier.Registered))];

    private static List<string> NewRegionsOf(IReadOnlyList<ValidRow> rows, OpportunityCsvOptions options) =>
        [.. rows.Select(r => r.Draft.Value.Region).OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(r => options.KnownRegions?.Contains(r) != true).Order(StringComparer.Ordinal)];

    // The store names rows[i].field; the file's user needs its line and column.
    private static (ValidationError Error, int? Row) ToLine(ValidationError error, IReadOnlyList<ValidRow> rows)
    {
        var location = error.Location;
        if (location.StartsWith("rows[", StringComparison.Ordinal)
            && location.IndexOf(']', StringComparison.Ordinal) is var close and > 5
            && int.TryParse(location.AsSpan(5, close - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index < rows.Count)
        {
            var field = location.Length > close + 2 ? location[(close + 2)..] : "id";
            var column = field switch
            {
                "pipelineId" => "stage",
                "expectedClose" => "expected_close",
                "probabilityOverride" => "probability",
                _ => field,
            };
            return (new ValidationError($"line {rows[index].Line}, column {column}", error.Message), index);
        }

        return (error, null);
    }

    /// <summary>Records checked and built per parallel block while parsing.</summary>
    private const int ParseBlock = 4096;

    /// <summary>What one record gave: a draft (and, when kept, its aggregate), or its problems; <see cref="IdText"/> for the duplicate check.</summary>
    private sealed record RowResult(bool Blank, List<ValidationError> Problems, string? IdText, Draft? Draft, SalesOpportunity? Opportunity);

    private static readonly Dictionary<string, int> NoIds = new(StringComparer.Ordinal);

    private static RowResult Evaluate(CsvRecord record, string? recordError, CsvRecord header, Dictionary<string, int> index, OpportunityCsvOptions options, LocalDate today, IClock clock, bool keepOpportunity)
    {
        if (record.Fields.Count == 1 && record.Fields[0].Length == 0 && recordError is null)
        {
            return new RowResult(true, [], null, null, null); // a blank line
        }

        var problems = new List<ValidationError>();
        if (recordError is not null)
        {
            problems.Add(new ValidationError($"line {record.Line}", $"Malformed CSV: {recordError}."));
            return new RowResult(false, problems, null, null, null);
        }

        if (record.Fields.Count != header.Fields.Count)
        {
            problems.Add(new ValidationError($"line {record.Line}", $"Expected {header.Fields.Count} fields as in the header, found {record.Fields.Count}."));
            return new RowResult(false, problems, null, null, null);
        }

        var idText = index.TryGetValue("id", out var idColumn) && record.Fields[idColumn].Trim() is { Length: > 0 } t ? t : null;
        if (ReadRow(record, index, options, today, NoIds, problems) is not { } draft)
        {
            return new RowResult(false, problems, idText, null, null);
        }

        // The aggregate is built here even when not kept: whatever it refuses is this line's error.
        try
        {
            var opportunity = Create(draft, options, clock);
            return new RowResult(false, problems, draft.Id.Value, draft, keepOpportunity ? opportunity : null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidInputException or DomainRuleException or EntityNotFoundException or InvalidOperationException)
        {
            problems.Add(new ValidationError($"line {record.Line}", e.Message));
            return new RowResult(false, problems, draft.Id.Value, null, null);
        }
    }

    private static Dictionary<string, int> ReadHeader(CsvRecord header, List<ValidationError> errors)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().ToLowerInvariant();
            if (!Columns.Contains(name))
            {
                errors.Add(new ValidationError($"line 1, column {i + 1}", $"Unknown column '{header.Fields[i]}'; the columns are {CanonicalHeader}."));
            }
            else if (!index.TryAdd(name, i))
            {
                errors.Add(new ValidationError($"line 1, column {name}", "The column appears twice."));
            }
        }

        foreach (var name in Required.Where(r => !index.ContainsKey(r)))
        {
            errors.Add(new ValidationError($"line 1, column {name}", "Required column missing."));
        }

        return index;
    }

    private readonly record struct Draft(OpportunityId Id, Stage Stage, SalesOpportunityDraft Value);

    private static Draft? ReadRow(CsvRecord record, Dictionary<string, int> index, OpportunityCsvOptions options, LocalDate today, Dictionary<string, int> seenIds, List<ValidationError> problems)
    {
        string? Cell(string column) => index.TryGetValue(column, out var i) && record.Fields[i].Trim() is { Length: > 0 } v ? v : null;
        void Problem(string column, string message) => problems.Add(new ValidationError($"line {record.Line}, column {column}", message));

        OpportunityId? id = null;
        if (Cell("id") is not { } idText)
        {
            Problem("id", "An id is required.");
        }
        else if (seenIds.TryGetValue(idText, out var firstLine))
        {
            Problem("id", $"Id '{idText}' appears already on line {firstLine}.");
        }
        else
        {
            id = Try(() => new OpportunityId(idText), "id", Problem);
        }

        PartnerId? partner = Cell("partner") is { } partnerText ? Try(() => new PartnerId(partnerText), "partner", Problem) : Missing<PartnerId>("partner", Problem);
        Stage? stage = null;
        if (Cell("stage") is not { } stageText)
        {
            Problem("stage", "A stage is required.");
        }
        else if (!options.Pipeline.TryGetStage(stageText, out var found))
        {
            Problem("stage", $"'{stageText}' is not a stage of pipeline '{options.Pipeline.Id}' ({string.Join(", ", options.Pipeline.Stages.Select(s => s.Name))}).");
        }
        else
        {
            stage = found;
        }

        CurrencyCode? currency = Cell("currency") is { } currencyText ? Try(() => CurrencyCode.Parse(currencyText), "currency", Problem) : Missing<CurrencyCode>("currency", Problem);
        Money? amount = null;
        if (Cell("amount") is not { } amountText)
        {
            Problem("amount", "An amount is required.");
        }
        else if (!decimal.TryParse(amountText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            Problem("amount", $"'{amountText}' is not a number; write it like 12500.50 (point as decimal separator, no grouping).");
        }
        else if (value < 0)
        {
            Problem("amount", "The amount must not be negative.");
        }
        else if (currency is { } limitCurrency && value > Money.MaxDealAmount(limitCurrency).Amount)
        {
            Problem("amount", $"{amountText} exceeds the largest amount of one deal, {Money.MaxDealAmount(limitCurrency)} ({Money.MaxDealMinorUnits} minor units).");
        }
        else if (currency is { } c)
        {
            amount = Try(() => new Money(value, c), "amount", Problem);
        }

        var expectedClose = today.Plus(options.DefaultCloseHorizon);
        if (Cell("expected_close") is { } closeText)
        {
            var parsed = LocalDatePattern.Iso.Parse(closeText);
            if (parsed.Success)
            {
                expectedClose = parsed.Value;
            }
            else
            {
                Problem("expected_close", $"'{closeText}' is not an ISO date (yyyy-MM-dd).");
            }
        }

        Probability? probability = null;
        if (Cell("probability") is { } probabilityText)
        {
            if (!decimal.TryParse(probabilityText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) || p > 1m)
            {
                Problem("probability", $"'{probabilityText}' is not a probability between 0 and 1 (e.g. 0.35).");
            }
            else if (stage is { IsClosed: true })
            {
                Problem("probability", $"A deal in closed stage '{stage.Name}' has no probability of its own.");
            }
            else
            {
                probability = Try(() => Probability.FromDecimal(p), "probability", Problem);
            }
        }

        ForecastCategory? category = null;
        if (Cell("forecast_category") is { } categoryText)
        {
            category = ParseCategory(categoryText);
            if (category is null)
            {
                Problem("forecast_category", $"'{categoryText}' is not a forecast category (pipeline, best case, commit, closed, omitted).");
            }
        }

        if (problems.Count > 0 || id is null || partner is null || stage is null || amount is null)
        {
            return null;
        }

        return new Draft(id.Value, stage, new SalesOpportunityDraft(partner.Value, amount.Value, expectedClose)
        {
            Stage = stage.IsClosed ? null : stage.Name,
            ProbabilityOverride = probability,
            ForecastCategoryOverride = category,
            Region = Cell("region"),
            ProductLine = Cell("product_line"),
        });
    }

    private static SalesOpportunity Create(Draft draft, OpportunityCsvOptions options, IClock clock)
    {
        var opportunity = SalesOpportunity.Open(options.Tenant, draft.Id, draft.Value, options.Pipeline, options.Actor, clock);
        if (draft.Stage.Kind == StageKind.Won)
        {
            opportunity.CloseWon($"Imported as '{draft.Stage.Name}'", options.Actor, clock);
        }
        else if (draft.Stage.Kind == StageKind.Lost)
        {
            opportunity.CloseLost($"Imported as '{draft.Stage.Name}'", options.Actor, clock, draft.Stage.Name);
        }

        return opportunity;
    }

    private static ForecastCategory? ParseCategory(string text) =>
        text.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal) switch
        {
            "pipeline" => ForecastCategory.Pipeline,
            "bestcase" => ForecastCategory.BestCase,
            "commit" => ForecastCategory.Commit,
            "closed" => ForecastCategory.Closed,
            "omitted" => ForecastCategory.Omitted,
            _ => null,
        };

    private static T? Try<T>(Func<T> create, string column, Action<string, string> problem)
        where T : struct
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is ArgumentException or InvalidInputException)
        {
            problem(column, FirstSentence(e.Message));
            return null;
        }
    }

    private static T? Missing<T>(string column, Action<string, string> problem)
        where T : struct
    {
        problem(column, $"A {column} is required.");
        return null;
    }

    // ArgumentException appends " (Parameter 'x')"; the column already says where.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
