using Opportunity.Persistence;

namespace Opportunity.Persistence.InMemory;

/// <summary>A process-local <see cref="IRoutingDecisionLog"/>; the default in DI.</summary>
public sealed class InMemoryRoutingDecisionLog : IRoutingDecisionLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId, LeadId), List<RoutingDecisionRecord>> _records = [];

    /// <inheritdoc />
    public Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (!_records.TryGetValue((tenant, record.Lead), out var list))
            {
                _records[(tenant, record.Lead)] = list = [];
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
            return Task.FromResult<IReadOnlyList<RoutingDecisionRecord>>(_records.TryGetValue((tenant, lead), out var list) ? [.. list] : []);
        }
    }
}
