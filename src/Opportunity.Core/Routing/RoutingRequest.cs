using NodaTime;
using Opportunity.Leads;

namespace Opportunity.Routing;

/// <summary>
/// What routing needs to know about one lead: its details, the partners it must not go to again,
/// the instant of the decision and the seed for random choices. Plain values, so a CRM that owns its
/// data can route without the <see cref="Lead"/> aggregate.
/// </summary>
/// <param name="Lead">The lead's id.</param>
/// <param name="Details">Location, product interest, language, value.</param>
/// <param name="Now">When the decision is made (recorded in the decision).</param>
public sealed record RoutingRequest(LeadId Lead, LeadDetails Details, Instant Now)
{
    /// <summary>Partners that already rejected the lead or let it expire; never picked.</summary>
    public IReadOnlyCollection<PartnerId> ExcludedPartners { get; init; } = [];

    /// <summary>Seed of every random choice in this decision; the same seed and inputs give the same decision.</summary>
    public long Seed { get; init; }

    /// <summary>A request for <paramref name="lead"/>, excluding the partners that rejected it or let it expire.</summary>
    public static RoutingRequest ForLead(Lead lead, Instant now, long seed)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return new RoutingRequest(lead.Id, lead.Details, now) { ExcludedPartners = [.. lead.ExcludedPartners], Seed = seed };
    }

    /// <summary>
    /// A seed derived from a base seed, the lead's id and the routing attempt, stable across processes
    /// and .NET versions (FNV-1a), so each re-route of a lead gets its own reproducible draw.
    /// </summary>
    public static long DeriveSeed(long baseSeed, LeadId lead, int attempt)
    {
        const ulong prime = 1099511628211;
        var hash = 14695981039346656037UL ^ (ulong)baseSeed;
        foreach (var c in lead.Value)
        {
            hash = (hash ^ c) * prime;
        }

        hash = (hash ^ (uint)attempt) * prime;
        return (long)(hash & long.MaxValue);
    }
}
