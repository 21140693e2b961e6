using NodaTime;

namespace Opportunity;

/// <summary>Settings of the managed (DI) mode. Every member has a documented default.</summary>
public sealed class OpportunityManagementOptions
{
    /// <summary>
    /// Identifies this host when it claims due work and outbox messages, so several hosts sharing
    /// one database split the work. Default: machine name and process id.
    /// </summary>
    public string HostId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How many due items one claim takes. Default 100; must be 1 to 10,000.</summary>
    public int ClaimBatchSize { get; set; } = 100;

    /// <summary>How long a claim holds before another host may take the item. Default 5 minutes; must be positive.</summary>
    public Duration ClaimLease { get; set; } = Duration.FromMinutes(5);

    /// <summary>Seed for every random choice the library makes (weighted routing, Monte Carlo). Default 0.</summary>
    public int RandomSeed { get; set; }
}
