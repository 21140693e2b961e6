using NodaTime;

namespace Opportunity.Hosting.Health;

/// <summary>
/// Thresholds of the outbox health check (<c>AddHealthChecks().AddOpportunity()</c>): a backlog
/// or an oldest pending message above the degraded threshold reports Degraded, above the unhealthy
/// one Unhealthy. A dispatcher that does not run (or a channel that is down for long) shows here.
/// </summary>
public sealed class OpportunityHealthCheckOptions
{
    /// <summary>Pending outbox messages from which the check reports Degraded (default 1,000).</summary>
    public long PendingDegraded { get; set; } = 1_000;

    /// <summary>Pending outbox messages from which the check reports Unhealthy (default 10,000).</summary>
    public long PendingUnhealthy { get; set; } = 10_000;

    /// <summary>Age of the oldest pending message from which the check reports Degraded (default 15 minutes).</summary>
    public Duration OldestPendingDegraded { get; set; } = Duration.FromMinutes(15);

    /// <summary>Age of the oldest pending message from which the check reports Unhealthy (default 2 hours).</summary>
    public Duration OldestPendingUnhealthy { get; set; } = Duration.FromHours(2);
}
