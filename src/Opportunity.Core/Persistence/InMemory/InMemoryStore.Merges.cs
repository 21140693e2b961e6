using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : ILeadMergeStore
{
    /// <inheritdoc />
    /// <remarks>Both version checks run under the lock before either lead is written, so a refused merge changes nothing.</remarks>
    public Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default)
    {
        LeadMergeRules.Check(survivor, merged);
        lock (_gate)
        {
            foreach (var lead in (ReadOnlySpan<Lead>)[survivor, merged])
            {
                long? stored = _leads.TryGetValue(Key(lead.Tenant, lead.Id.Value), out var current) ? current.Version : null;
                if (stored != lead.Version)
                {
                    throw new ConcurrencyException(lead.AggregateKind, lead.AggregateId, lead.Version, stored);
                }
            }

            WriteLead(survivor);
            WriteLead(merged);
        }

        return Task.CompletedTask;
    }
}
