using Opportunity.Partners;

namespace Opportunity.Import;

/// <summary>
/// What <see cref="OpportunityCsvImporter.ImportAsync"/> stored: how many opportunities, the
/// partners it created, the regions it met for the first time and (when bad rows were skipped) the
/// rows left out. The opportunities themselves are not returned — they were streamed to the store;
/// read them from there, or use <see cref="OpportunityCsvImporter.Parse"/> to get the aggregates
/// without storing them.
/// </summary>
public sealed record OpportunityImportSummary
{
    /// <summary>Opportunities written (one per imported row).</summary>
    public required int Imported { get; init; }

    /// <summary>Partners named in the file but not known before, created in the import's transaction (named by the partner_name column, else by the id; tier Registered), ordinal order.</summary>
    public required IReadOnlyList<Partner> NewPartners { get; init; }

    /// <summary>Regions named by the imported rows but not in <see cref="OpportunityCsvOptions.KnownRegions"/>, ordinal order.</summary>
    public required IReadOnlyList<string> NewRegions { get; init; }

    /// <summary>Problems of the rows that were skipped, each naming its line and column (empty unless skipping was asked for).</summary>
    public required IReadOnlyList<ValidationError> SkippedRows { get; init; }

    /// <summary>Data records read (header and blank lines excluded).</summary>
    public required int RecordsRead { get; init; }
}
