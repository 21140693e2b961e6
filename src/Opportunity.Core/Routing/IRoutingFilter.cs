using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>A rule that removes candidate partners, each with a reason recorded in the trace.</summary>
public interface IRoutingFilter : IRoutingRule
{
    /// <summary>Keeps <paramref name="partner"/> or removes it with a reason. Must not have side effects.</summary>
    FilterVerdict Check(Partner partner, RoutingContext context);
}
