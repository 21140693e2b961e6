using System.Globalization;
using NodaTime.Text;
using Opportunity.Pipelines;

namespace Opportunity.Import;

/// <summary>
/// Writes opportunities as CSV in the format <see cref="OpportunityCsvImporter"/> reads (header
/// <see cref="OpportunityCsvImporter.FullHeader"/>), open and closed, with their creation and
/// close times, close reason, stage history, lines, splits and customer keys, so that an export imported
/// into another store gives the same pipeline, learned probabilities, calibration and duplicate matching.
/// The customer columns hold the normalised keys (<see cref="SalesOpportunity.CustomerKeys"/>: company,
/// e-mail domain, last nine digits of the phone), which the importer reads back unchanged. Not carried: the
/// title, the source lead, met exit criteria and who made each stage change (the importer's actor does).
/// </summary>
/// <example>
/// <code>
/// using var writer = File.CreateText("export.csv");
/// var rows = await OpportunityCsvExporter.WriteAsync(writer, store.QueryAsync(AccessScope.Manufacturer(tenant), OpportunityQuery.All));
/// </code>
/// </example>
public static class OpportunityCsvExporter
{
    /// <summary>Writes the header and one line per opportunity, in the order given.</summary>
    /// <param name="writer">Where the CSV goes (lines end in CRLF, as RFC 4180 has it).</param>
    /// <param name="opportunities">The opportunities, e.g. a store's <c>QueryAsync</c>.</param>
    /// <param name="partnerNames">Display names for the <c>partner_name</c> column; a partner without one gets an empty cell. Default: none.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    /// <returns>The number of opportunities written.</returns>
    /// <exception cref="ArgumentException">A stage name holds <c>;</c>, which the stage_history cell cannot carry, or a product or split party holds <c>;</c> or <c>|</c> (the lines and splits cells).</exception>
    public static async Task<int> WriteAsync(TextWriter writer, IAsyncEnumerable<SalesOpportunity> opportunities, IReadOnlyDictionary<PartnerId, string>? partnerNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(opportunities);
        await writer.WriteAsync(OpportunityCsvImporter.FullHeader + "\r\n").ConfigureAwait(false);
        var count = 0;
        await foreach (var opportunity in opportunities.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(Line(opportunity, partnerNames)).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>One CSV line (with its CRLF) in the canonical column order.</summary>
    private static string Line(SalesOpportunity o, IReadOnlyDictionary<PartnerId, string>? partnerNames)
    {
        string?[] cells =
        [
            o.Id.Value,
            o.Partner.Value,
            o.Stage.Name,
            o.Amount.Amount.ToString(CultureInfo.InvariantCulture), // as stored: 900 stays 900, 900.00 stays 900.00
            o.Amount.Currency.Code,
            LocalDatePattern.Iso.Format(o.ExpectedClose),
            o.ProbabilityOverride?.Value.ToString(CultureInfo.InvariantCulture),
            o.ForecastCategoryOverride?.ToString(),
            o.Region,
            o.ProductLine,
            partnerNames?.GetValueOrDefault(o.Partner),
            InstantPattern.ExtendedIso.Format(o.CreatedAt),
            o.ClosedAt is { } closed ? InstantPattern.ExtendedIso.Format(closed) : null,
            o.CloseReason,
            string.Join(';', o.History.Select(Entry)),
            LineItemCells.WriteLines(o.Lines),
            LineItemCells.WriteSplits(o.Splits),
            o.CustomerKeys?.Company,
            o.CustomerKeys?.EmailDomain,
            o.CustomerKeys?.Phone,
        ];
        return string.Join(',', cells.Select(Quote)) + "\r\n";
    }

    private static string Entry(StageChange change) =>
        change.To.Contains(';', StringComparison.Ordinal)
            ? throw new ArgumentException($"Stage '{change.To}' holds ';', which the stage_history column uses between entries.", nameof(change))
            : change.To + "@" + InstantPattern.ExtendedIso.Format(change.At);

    // RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled.
    private static string Quote(string? cell) =>
        cell is null ? string.Empty
        : cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell
        : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
