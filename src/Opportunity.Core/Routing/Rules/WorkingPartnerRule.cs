using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Channel conflict: narrows the candidates to the partner already working the deal a lead duplicates.</summary>
internal sealed class WorkingPartnerRule(PartnerId partner, LeadDuplicateLink link) : ICandidateSource
{
    public const string KindName = "workingPartner";

    public string Kind => KindName;

    public string Description { get; } = $"{KindName} {partner}";

    public FilterVerdict Check(Partner candidate, RoutingContext context) =>
        candidate.Id == partner ? FilterVerdict.Keep : FilterVerdict.Remove("does not work the duplicated {2}", text: link.DescribeExisting());

    bool ICandidateSource.CanNarrow(RoutingContext context) => true;

    int ICandidateSource.RingCount(RoutingContext context) => 1;

    void ICandidateSource.AddRing(RoutingContext context, int ring, CandidateBuffer buffer)
    {
        if (context.Network.IndexOf(partner) is { } index)
        {
            buffer.Add(index);
        }
    }

    RoutingNote ICandidateSource.DescribeSource(RoutingContext context, int ringsUsed, int found) =>
        new("channel conflict: {2}", found, 0, $"the lead duplicates {link.DescribeExisting()}, worked by {partner}; matched on {link.MatchedOn}");

    public static RoutingRuleSet RuleSet(PartnerId partner, LeadDuplicateLink link) =>
        new("channel-conflict", null, [new WorkingPartnerRule(partner, link)], [], new HighestScoreSelector(), null);
}
