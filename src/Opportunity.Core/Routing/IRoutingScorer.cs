using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>
/// A rule that scores the remaining candidates. Scores should lie in [0, 1]; the rule set multiplies
/// each by the scorer's weight and adds them up. A negative, NaN or infinite score is a bug in the
/// scorer and makes routing throw.
/// </summary>
public interface IRoutingScorer : IRoutingRule
{
    /// <summary>The score of <paramref name="partner"/> for this lead. Must not have side effects.</summary>
    double Score(Partner partner, RoutingContext context);
}
