using Opportunity.Persistence;
using Opportunity.Routing;

namespace Opportunity.Workflows;

/// <summary>The default <see cref="IPartnerPerformanceProvider"/>: no data, so performance scoring gives every partner the network default.</summary>
public sealed class NoPartnerPerformanceProvider : IPartnerPerformanceProvider
{
    /// <inheritdoc />
    public ValueTask<PartnerPerformanceTable> GetAsync(TenantId tenant, CancellationToken cancellationToken = default) => ValueTask.FromResult(PartnerPerformanceTable.Empty);
}
