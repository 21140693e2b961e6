using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.Import;

/// <summary>
/// Imports opportunities from CSV (RFC 4180) with the canonical header
/// <c>id,partner,stage,amount,currency,expected_close,probability,forecast_category,region,product_line</c>,
/// optionally followed by <c>partner_name,created_at,closed_at,close_reason,stage_history,lines,splits</c>
/// (<see cref="FullHeader"/>, as <see cref="OpportunityCsvExporter"/> writes it). The first five columns are required, the
/// others optional (the column may be absent or the cell empty); columns may come in any order;
/// names are case-insensitive. <c>created_at</c>, <c>closed_at</c> and <c>close_reason</c> keep a
/// closed deal's real dates and reason; <c>stage_history</c> is the deal's stage entries, oldest
/// first, as <c>Stage@when</c> separated by <c>;</c> (e.g.
/// <c>Qualification@2026-07-01T09:00:00Z;Proposal@2026-07-20T14:30:00Z;Closed won@2026-08-03T10:00:00Z</c>),
/// its last entry the <c>stage</c> column; times are ISO instants (<c>…Z</c>) or dates (midnight in
/// <see cref="OpportunityCsvOptions.Zone"/>). <c>lines</c> holds the deal's line items as
/// <c>product|quantity|unit_price[|discount_percent]</c> and <c>splits</c> its credit splits as
/// <c>party|role|percent</c>, entries separated by <c>;</c>; with lines the amount must be their sum.
/// <c>expected_close</c> must be a date a forecast holds (-0731-05-01 to 4730-08-31) and
/// <c>forecast_category</c> <c>closed</c> is refused on a deal in an open stage (it means won).
/// Every problem is a
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

    /// <summary>
    /// Every column the importer reads, as <see cref="OpportunityCsvExporter"/> writes it: <see cref="CanonicalHeader"/>
    /// followed by the optional columns that carry a deal's life —
    /// <c>partner_name,created_at,closed_at,close_reason,stage_history,lines,splits</c> — and its customer (<see cref="CustomerColumns"/>).
    /// </summary>
    public const string FullHeader = CanonicalHeader + ",partner_name,created_at,closed_at,close_reason,stage_history,lines,splits," + CustomerColumns;

    /// <summary>
    /// The optional columns naming a deal's customer — <c>customer_company,customer_email,customer_phone</c> (the
    /// e-mail may be an address or a bare domain) — normalised into <see cref="SalesOpportunity.CustomerKeys"/> so
    /// captured leads of that customer are matched against the deal (docs/routing.md#duplicates-across-leads-and-deals).
    /// </summary>
    public const string CustomerColumns = "customer_company,customer_email,customer_phone";

    private static readonly string[] Columns = FullHeader.Split(',');
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
    /// instant the import started at, except for the times its created_at, closed_at and
    /// stage_history cells give. The opportunities are streamed to the store in chunks and
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
        // tried again; a refused attempt wrote nothing. The store reports every stored id at once,
        // so one retry does, unless another writer stores more ids meanwhile: each retry leaves
        // out at least one row, so the loop ends.
        while (true)
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
            if (!options.SkipBadRows || errors.Count == 0 || errors.Any(e => e.Row is null))
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

        csv.ShareValues(index.Where(c => c.Key is not ("id" or "amount" or "created_at" or "closed_at" or "stage_history" or "lines" or "splits")).Select(c => c.Value));
        var today = clock.GetCurrentInstant().InZone(options.Zone).Date;
        var rows = new List<ValidRow>();
        var rowErrors = new List<ValidationError>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var partnerNames = new Dictionary<PartnerId, (string Name, int Line)>();
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
                else if (result.Draft is { PartnerName: { } name } named && partnerNames.TryGetValue(named.Value.Partner, out var first) && !string.Equals(first.Name, name, StringComparison.Ordinal))
                {
                    problems.Insert(0, new ValidationError($"line {record.Line}, column partner_name", $"Partner '{named.Value.Partner}' is named '{first.Name}' on line {first.Line}, not '{name}'."));
                }
                else if (result.Draft is { } draft)
                {
                    rows.Add(new ValidRow(record.Line, draft, result.Opportunity));
                    seenIds[draft.Id.Value] = record.Line;
                    if (draft.PartnerName is { } partnerName)
                    {
                        partnerNames.TryAdd(draft.Value.Partner, (partnerName, record.Line));
                    }
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

    // Named by the partner_name column when a row gives one (the file agrees on it), else by the id.
    private static List<Partner> NewPartnersOf(IReadOnlyList<ValidRow> rows, IReadOnlySet<PartnerId> known, TenantId tenant)
    {
        var names = new Dictionary<PartnerId, string?>();
        foreach (var row in rows)
        {
            var partner = row.Draft.Value.Partner;
            if (!known.Contains(partner) && (!names.TryGetValue(partner, out var name) || name is null))
            {
                names[partner] = row.Draft.PartnerName;
            }
        }

        return [.. names.OrderBy(p => p.Key.Value, StringComparer.Ordinal).Select(p => new Partner(tenant, p.Key, p.Value ?? p.Key.Value, PartnerTier.Registered))];
    }

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
                errors.Add(new ValidationError($"line 1, column {i + 1}", $"Unknown column '{header.Fields[i]}'; the columns are {string.Join(',', Columns)}."));
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

    private readonly record struct Draft(OpportunityId Id, Stage Stage, SalesOpportunityDraft Value, string? PartnerName, Life? Life, List<OpportunityLine>? Lines = null, List<OpportunitySplit>? Splits = null);

    /// <summary>The dated cells of a row, null when it has none: the deal is then opened (and closed) at the import's instant.</summary>
    private sealed record Life(Instant? CreatedAt, Instant? ClosedAt, string? CloseReason, List<(Stage Stage, Instant At)>? History);

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
        else if (HasWhiteSpace(idText))
        {
            Problem("id", $"'{idText}' contains white space, which ids may not (two ids that look alike must not be two keys); write it e.g. as '{Hyphenated(idText)}'.");
        }
        else
        {
            id = Try(() => new OpportunityId(idText), "id", Problem);
        }

        PartnerId? partner = null;
        if (Cell("partner") is not { } partnerText)
        {
            Problem("partner", "A partner is required.");
        }
        else if (HasWhiteSpace(partnerText))
        {
            Problem("partner", $"'{partnerText}' contains white space, which partner ids may not (two ids that look alike must not be two keys); write it e.g. as '{Hyphenated(partnerText)}' and put the display name in the partner_name column.");
        }
        else
        {
            partner = Try(() => new PartnerId(partnerText), "partner", Problem);
        }

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
            if (!parsed.Success)
            {
                Problem("expected_close", $"'{closeText}' is not an ISO date (yyyy-MM-dd).");
            }
            else if (!CloseDateRange.Contains(parsed.Value))
            {
                Problem("expected_close", $"{closeText} is outside the close dates a forecast can hold; it must lie {CloseDateRange.Text}.");
            }
            else
            {
                expectedClose = parsed.Value;
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
            else if (category == ForecastCategory.Closed && stage is { IsClosed: false })
            {
                // Closed means won: an open deal counted there would be forecast at its full amount.
                Problem("forecast_category", $"'{categoryText}' is the category of won deals; a deal in open stage '{stage.Name}' is pipeline, best case, commit or omitted.");
            }
        }

        var partnerName = Cell("partner_name");
        if (partnerName is not null && partner is { } named)
        {
            try
            {
                _ = new Partner(options.Tenant, named, partnerName, PartnerTier.Registered);
            }
            catch (Exception e) when (e is ArgumentException or InvalidInputException)
            {
                Problem("partner_name", FirstSentence(e.Message));
            }
        }

        var customer = ReadCustomerKeys(Cell, Problem);
        var life = ReadLife(Cell, Problem, stage, options);

        // Line items drive the amount: the amount column must be their sum, so a file never says two amounts.
        var lines = Cell("lines") is { } linesText && currency is { } lineCurrency ? LineItemCells.ReadLines(linesText, lineCurrency, Problem) : null;
        if (lines is not null && amount is { } stated && lines.Aggregate(Money.Zero(stated.Currency), (sum, l) => new Money(sum.Amount + l.Amount.Amount, stated.Currency)) is var total && total.Amount != stated.Amount)
        {
            Problem("amount", $"The lines sum to {total.Amount.ToString(CultureInfo.InvariantCulture)}, not {stated.Amount.ToString(CultureInfo.InvariantCulture)}; the amount of a deal with lines is their sum.");
        }

        var splits = Cell("splits") is { } splitsText ? LineItemCells.ReadSplits(splitsText, Problem) : null;
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
            CustomerKeys = customer,
        }, partnerName, life, lines, splits);
    }

    // customer_company, customer_email, customer_phone: the deal's customer keys, normalised as a lead's
    // (DuplicateKeys.OfCustomer), so captured leads of the customer match the imported deal.
    private static DuplicateKeys? ReadCustomerKeys(Func<string, string?> cell, Action<string, string> problem)
    {
        var (company, email, phone) = (cell("customer_company"), cell("customer_email"), cell("customer_phone"));
        var keys = DuplicateKeys.OfCustomer(company, email, phone);
        if (email is not null && keys.EmailDomain is null)
        {
            problem("customer_email", $"'{email}' has no domain; write an address (jane@acme.de) or a domain (acme.de).");
        }

        if (phone is not null && keys.Phone is null)
        {
            problem("customer_phone", $"'{phone}' has fewer than six digits.");
        }

        return keys.IsEmpty ? null : keys;
    }

    // created_at, closed_at, close_reason and stage_history: checked against each other and the stage column.
    private static Life? ReadLife(Func<string, string?> cell, Action<string, string> problem, Stage? stage, OpportunityCsvOptions options)
    {
        var (createdText, closedText, reason, historyText) = (cell("created_at"), cell("closed_at"), cell("close_reason"), cell("stage_history"));
        if (createdText is null && closedText is null && reason is null && historyText is null)
        {
            return null;
        }

        var createdAt = createdText is null ? null : ParseTime(createdText, "created_at", options.Zone, problem);
        var closedAt = closedText is null ? null : ParseTime(closedText, "closed_at", options.Zone, problem);
        var history = historyText is null ? null : ParseHistory(historyText, options, problem);
        if (stage is { IsClosed: false } && closedText is not null)
        {
            problem("closed_at", $"A deal in open stage '{stage.Name}' has no close date.");
        }

        if (stage is { IsClosed: false } && reason is not null)
        {
            problem("close_reason", $"A deal in open stage '{stage.Name}' has no close reason.");
        }

        if (history is not null && stage is not null)
        {
            var (last, lastAt) = history[^1];
            if (last != stage)
            {
                problem("stage_history", $"The history ends in '{last.Name}' but the stage column says '{stage.Name}'.");
            }

            if (createdAt is { } created && created != history[0].At)
            {
                problem("created_at", $"{createdText} is not the time of the history's first entry ({InstantPattern.ExtendedIso.Format(history[0].At)}).");
            }

            if (closedAt is { } closed && stage.IsClosed && closed != lastAt)
            {
                problem("closed_at", $"{closedText} is not the time of the history's last entry ({InstantPattern.ExtendedIso.Format(lastAt)}).");
            }
        }
        else if (createdAt is { } created && closedAt is { } closed && closed < created)
        {
            problem("closed_at", $"{closedText} is before created_at {createdText}.");
        }

        return new Life(createdAt, closedAt, reason, history);
    }

    // "Stage@when;Stage@when;…", oldest first: known stages, in time order, opened in an open stage, no stage following itself.
    private static List<(Stage Stage, Instant At)>? ParseHistory(string text, OpportunityCsvOptions options, Action<string, string> problem)
    {
        var entries = new List<(Stage Stage, Instant At)>();
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var at = parts[i].LastIndexOf('@');
            if (at <= 0)
            {
                problem("stage_history", $"Entry {i + 1} '{parts[i]}' is not 'Stage@time' (e.g. Proposal@2026-07-20T14:30:00Z).");
                return null;
            }

            var name = parts[i][..at].Trim();
            if (!options.Pipeline.TryGetStage(name, out var stage))
            {
                problem("stage_history", $"Entry {i + 1}: '{name}' is not a stage of pipeline '{options.Pipeline.Id}'.");
                return null;
            }

            if (ParseTime(parts[i][(at + 1)..].Trim(), "stage_history", options.Zone, problem) is not { } when)
            {
                return null;
            }

            var problemText = entries.Count == 0
                ? (stage.IsClosed ? $"The first entry must be an open stage (the deal opened in it), not '{stage.Name}'." : null)
                : when < entries[^1].At ? $"Entry {i + 1} ({stage.Name}) is earlier than entry {i}; entries are oldest first."
                : stage == entries[^1].Stage ? $"Entry {i + 1} repeats stage '{stage.Name}'."
                : stage.IsClosed && entries[^1].Stage.IsClosed ? $"Entry {i + 1} ({stage.Name}) closes a deal that is closed already; reopen it in an open stage first."
                : null;
            if (problemText is not null)
            {
                problem("stage_history", problemText);
                return null;
            }

            entries.Add((stage, when));
        }

        if (entries.Count == 0)
        {
            problem("stage_history", "The history has no entries.");
            return null;
        }

        return entries;
    }

    // An ISO instant (2026-07-20T14:30:00Z, fractions allowed) or a date (midnight in the zone).
    private static Instant? ParseTime(string text, string column, DateTimeZone zone, Action<string, string> problem)
    {
        if (InstantPattern.ExtendedIso.Parse(text) is { Success: true } instant)
        {
            return instant.Value;
        }

        if (LocalDatePattern.Iso.Parse(text) is { Success: true } date)
        {
            return date.Value.AtStartOfDayInZone(zone).ToInstant();
        }

        problem(column, $"'{text}' is not an ISO instant (2026-07-20T14:30:00Z) or date (2026-07-20).");
        return null;
    }

    private static SalesOpportunity Create(Draft draft, OpportunityCsvOptions options, IClock clock)
    {
        if (draft.Life?.History is { } history)
        {
            return Replay(draft, history, options);
        }

        // Without a history: opened at created_at (else now, or at closed_at when that is earlier), closed at closed_at (else now).
        var now = clock.GetCurrentInstant();
        var life = draft.Life;
        var created = life?.CreatedAt ?? (life?.ClosedAt is { } early && early < now ? early : now);
        var opportunity = SalesOpportunity.Open(options.Tenant, draft.Id, draft.Value, options.Pipeline, options.Actor, At(created, now, clock));
        SetLinesAndSplits(opportunity, draft, options, At(created, now, clock));
        if (draft.Stage.IsClosed)
        {
            var closed = life?.ClosedAt ?? Instant.Max(created, now);
            Close(opportunity, draft.Stage, life?.CloseReason, options.Actor, At(closed, now, clock));
        }

        return opportunity;
    }

    // The history is replayed through the aggregate at its own times, so the stored deal and its
    // events are what the deal went through; a forward move meets the stage's exit criteria (it happened).
    private static SalesOpportunity Replay(Draft draft, List<(Stage Stage, Instant At)> history, OpportunityCsvOptions options)
    {
        var value = draft.Value with { Stage = history[0].Stage.Name, ProbabilityOverride = history.Count == 1 ? draft.Value.ProbabilityOverride : null };
        var opportunity = SalesOpportunity.Open(options.Tenant, draft.Id, value, options.Pipeline, options.Actor, new FixedClock(history[0].At));
        SetLinesAndSplits(opportunity, draft, options, new FixedClock(history[0].At));
        for (var i = 1; i < history.Count; i++)
        {
            var (stage, at) = history[i];
            var clock = new FixedClock(at);
            if (stage.IsClosed)
            {
                Close(opportunity, stage, i == history.Count - 1 ? draft.Life?.CloseReason : null, options.Actor, clock);
            }
            else if (opportunity.IsClosed)
            {
                opportunity.Reopen(stage.Name, "Reopened (imported stage history)", options.Actor, clock);
            }
            else
            {
                if (options.Pipeline.IndexOf(stage.Name) > options.Pipeline.IndexOf(opportunity.Stage.Name))
                {
                    foreach (var criterion in opportunity.Stage.ExitCriteria)
                    {
                        opportunity.MarkCriterionMet(criterion, options.Actor, clock);
                    }
                }

                opportunity.MoveToStage(stage.Name, options.Actor, clock);
            }
        }

        if (history.Count > 1 && !opportunity.IsClosed && draft.Value.ProbabilityOverride is { } probability)
        {
            opportunity.OverrideProbability(probability, options.Actor, new FixedClock(history[^1].At));
        }

        return opportunity;
    }

    // Set when the deal is opened (lines only change on an open deal), so a closed deal keeps them.
    private static void SetLinesAndSplits(SalesOpportunity opportunity, Draft draft, OpportunityCsvOptions options, IClock clock)
    {
        if (draft.Lines is { } lines)
        {
            opportunity.SetLines(lines, options.Actor, clock);
        }

        if (draft.Splits is { } splits)
        {
            opportunity.SetSplits(splits, options.Actor, clock);
        }
    }

    private static void Close(SalesOpportunity opportunity, Stage stage, string? reason, string actor, IClock clock)
    {
        reason ??= $"Imported as '{stage.Name}'";
        if (stage.Kind == StageKind.Won)
        {
            opportunity.CloseWon(reason, actor, clock);
        }
        else
        {
            opportunity.CloseLost(reason, actor, clock, stage.Name);
        }
    }

    private static IClock At(Instant instant, Instant now, IClock clock) => instant == now ? clock : new FixedClock(instant);

    private static bool HasWhiteSpace(string text) => text.Any(char.IsWhiteSpace);

    private static string Hyphenated(string text) => string.Join('-', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

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
    internal static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
