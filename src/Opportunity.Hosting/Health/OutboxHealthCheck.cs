using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;

namespace Opportunity.Hosting.Health;

/// <summary>The outbox backlog and the age of its oldest pending message against <see cref="OpportunityHealthCheckOptions"/>.</summary>
internal sealed class OutboxHealthCheck(IOutboxStore outbox, IClock clock, IOptionsMonitor<OpportunityHealthCheckOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        OutboxBacklog backlog;
        try
        {
            backlog = await outbox.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The outbox cannot be read: {ex.GetType().Name}.", ex);
        }

        var limits = options.CurrentValue;
        var age = backlog.OldestAge(clock.GetCurrentInstant());
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.Pending,
            ["oldest_pending_age_seconds"] = age.TotalSeconds,
        };
        var description = $"{backlog.Pending} pending outbox message(s), the oldest waiting {age.TotalSeconds:0} s.";
        if (backlog.Pending >= limits.PendingUnhealthy || age >= limits.OldestPendingUnhealthy)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, description + " Is the dispatcher running?", data: data);
        }

        return backlog.Pending >= limits.PendingDegraded || age >= limits.OldestPendingDegraded
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data);
    }
}
