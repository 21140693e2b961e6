using System.Runtime.CompilerServices;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IPipelineRowSource
{
    /// <inheritdoc />
    public async IAsyncEnumerable<StoredPipelineRow> ReadPipelineRowsAsync(AccessScope scope, bool includeClosedWon, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The reference model: the same deals QueryAsync returns (quarantined records skipped), as rows.
        await foreach (var opportunity in QueryAsync(scope, new OpportunityQuery(), cancellationToken).ConfigureAwait(false))
        {
            var kind = opportunity.Stage.Kind;
            if (kind == Pipelines.StageKind.Open || (kind == Pipelines.StageKind.Won && includeClosedWon))
            {
                yield return StoredPipelineRow.Of(opportunity);
            }
        }
    }
}
