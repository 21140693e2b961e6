namespace Opportunity.Leads;

/// <summary>What happens when a partner registers a deal another partner has registered already (pending or protected).</summary>
public enum RegistrationConflictRule
{
    /// <summary>The registration stays pending, names the competing one, and the channel manager decides (approving it needs <c>overrideConflict</c>). The default.</summary>
    ChannelManagerDecides = 0,

    /// <summary>The earlier registration wins: the later one is rejected at once, its reason naming the competing registration.</summary>
    FirstRegisteredWins = 1,
}
