namespace Opportunity.Persistence.InMemory;

public sealed partial class InMemoryStore : IRoutingDecisionLog
{
    // Append-only per lead, under the store's one lock like every other port of this store.
    private readonly Dictionary<(string Tenant, string Lead), List<RoutingDecisionRecord>> _decisions = [];

    /// <inheritdoc />
    public Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (!_decisions.TryGetValue((tenant.Value, record.Lead.Value), out var list))
            {
                _decisions[(tenant.Value, record.Lead.Value)] = list = [];
            }

            list.Add(record);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RoutingDecisionRecord>> ForLeadAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RoutingDecisionRecord>>(_decisions.TryGetValue((tenant.Value, lead.Value), out var list) ? [.. list] : []);
        }
    }
}
