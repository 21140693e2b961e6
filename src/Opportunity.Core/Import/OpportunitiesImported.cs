namespace Opportunity.Import;

/// <summary>
/// One CSV import committed (<see cref="OpportunityCsvImporter.ImportAsync"/>): written to the
/// outbox once per import, in its transaction, instead of an <c>OpportunityOpened</c> (and
/// <c>OpportunityClosed</c>) per row — each imported opportunity is on the change feed
/// (<see cref="Persistence.IChangeFeed"/>), and <see cref="OpportunityCsvOptions.PerRowEvents"/>
/// brings the per-row events back. Its aggregate is the import, named by its first imported
/// opportunity (<see cref="DomainEvent.AggregateKind"/> <c>OpportunityImport</c>, id
/// <see cref="FirstId"/>, sequence 1): ids are imported once per tenant, so the event id is unique,
/// and the same file re-run after a crash writes the same id.
/// </summary>
/// <param name="Imported">Opportunities written.</param>
/// <param name="Open">Of those, in an open stage.</param>
/// <param name="Won">Of those, in a won stage (opened and closed won).</param>
/// <param name="Lost">Of those, in a lost stage (opened and closed lost).</param>
/// <param name="NewPartners">Partners the import created.</param>
/// <param name="FirstId">The first imported opportunity, in file order.</param>
/// <param name="LastId">The last imported opportunity, in file order.</param>
public sealed record OpportunitiesImported(int Imported, int Open, int Won, int Lost, int NewPartners, OpportunityId FirstId, OpportunityId LastId) : DomainEvent
{
    /// <summary>The <see cref="DomainEvent.AggregateKind"/> of an import's event.</summary>
    public const string Kind = "OpportunityImport";
}
