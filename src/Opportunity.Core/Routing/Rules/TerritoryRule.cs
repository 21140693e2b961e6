using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>
/// Keeps partners whose territories cover the lead's country and postal code (a territory without
/// prefixes covers the whole country). Looks candidates up in the network's territory index, so it
/// costs what the lead's area holds. A lead without a country matches nobody.
/// </summary>
public sealed class TerritoryRule : ICandidateSource
{
    /// <summary>The kind name, <c>territory</c>.</summary>
    public const string KindName = "territory";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Lead.Location.Country is not { } country)
        {
            return FilterVerdict.Remove("the lead has no country");
        }

        var postal = context.NormalisedPostalCode;
        foreach (var territory in partner.Territories)
        {
            if (territory.Country != country)
            {
                continue;
            }

            if (territory.PostalPrefixes.Count == 0)
            {
                return FilterVerdict.Keep;
            }

            if (postal is null)
            {
                continue;
            }

            foreach (var prefix in territory.PostalPrefixes)
            {
                if (postal.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return FilterVerdict.Keep;
                }
            }
        }

        return FilterVerdict.Remove("territory does not cover {2}", text: postal is null ? country.Code : postal);
    }

    bool ICandidateSource.CanNarrow(RoutingContext context) => true;

    int ICandidateSource.RingCount(RoutingContext context) => 1;

    void ICandidateSource.AddRing(RoutingContext context, int ring, CandidateBuffer buffer)
    {
        if (context.Lead.Location.Country is { } country)
        {
            context.Network.AddCovering(country, context.NormalisedPostalCode, buffer);
        }
    }

    RoutingNote ICandidateSource.DescribeSource(RoutingContext context, int ringsUsed, int found) =>
        context.Lead.Location.Country is { } country
            ? new RoutingNote("{0} of {1} partners cover {2}", found, context.Network.Count, context.NormalisedPostalCode is { } postal ? $"{country} {postal}" : country.Code)
            : new RoutingNote("the lead has no country, so no territory covers it");
}
