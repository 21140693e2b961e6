using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>A partner that survived every filter, with its total weighted score.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Score">Σ weight × score over the rule set's scorers; 0 without scorers.</param>
public readonly record struct RoutingCandidate(Partner Partner, double Score)
{
    private readonly int _indexPlusOne;

    /// <summary>The partner's index in the network being routed; −1 when unknown (a candidate made outside the engine).</summary>
    internal int NetworkIndex
    {
        get => _indexPlusOne - 1;
        init => _indexPlusOne = value + 1;
    }
}
