using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Hosting.Health;

/// <summary>Checks the thresholds: positive, and each degraded threshold below its unhealthy one.</summary>
public sealed class OpportunityHealthCheckOptionsValidator : IValidateOptions<OpportunityHealthCheckOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OpportunityHealthCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PendingDegraded <= 0 || options.PendingUnhealthy < options.PendingDegraded)
        {
            failures.Add($"{nameof(OpportunityHealthCheckOptions.PendingDegraded)} ({options.PendingDegraded}) must be positive and at most {nameof(OpportunityHealthCheckOptions.PendingUnhealthy)} ({options.PendingUnhealthy}).");
        }

        if (options.OldestPendingDegraded <= Duration.Zero || options.OldestPendingUnhealthy < options.OldestPendingDegraded)
        {
            failures.Add($"{nameof(OpportunityHealthCheckOptions.OldestPendingDegraded)} ({options.OldestPendingDegraded}) must be positive and at most {nameof(OpportunityHealthCheckOptions.OldestPendingUnhealthy)} ({options.OldestPendingUnhealthy}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
