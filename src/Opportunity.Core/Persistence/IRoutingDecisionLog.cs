
namespace Opportunity.Persistence;

/// <summary>Keeps the routing decisions made for each lead, so a person can ask why a lead went where it went.</summary>
public interface IRoutingDecisionLog
{
    /// <summary>Appends a decision.</summary>
    Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default);

    /// <summary>The decisions of a lead, oldest first.</summary>
    Task<IReadOnlyList<RoutingDecisionRecord>> ForLeadAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default);
}
