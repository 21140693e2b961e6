using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Import;

/// <summary>What a CSV import produced: the opportunities, the partners and regions it met for the first time, and (when bad rows were skipped) the rows left out.</summary>
public sealed record OpportunityImport
{
    /// <summary>The opportunities, in file order, with their lines.</summary>
    public required IReadOnlyList<ImportedOpportunity> Rows { get; init; }

    /// <summary>Partners named in the file but not known, created from their ids (named by the partner_name column, else by the id; tier Registered); <see cref="OpportunityCsvImporter.ImportAsync"/> creates them in the import's transaction, after <see cref="OpportunityCsvImporter.Parse"/> it is up to the caller.</summary>
    public required IReadOnlyList<Partner> NewPartners { get; init; }

    /// <summary>Regions named in the file but not known, ordinal order.</summary>
    public required IReadOnlyList<string> NewRegions { get; init; }

    /// <summary>Problems of the rows that were skipped (empty unless skipping was asked for).</summary>
    public required IReadOnlyList<ValidationError> SkippedRows { get; init; }

    /// <summary>Data records read (header excluded).</summary>
    public required int RecordsRead { get; init; }

    /// <summary>The opportunities alone.</summary>
    public IReadOnlyList<SalesOpportunity> Opportunities => [.. Rows.Select(r => r.Opportunity)];
}
