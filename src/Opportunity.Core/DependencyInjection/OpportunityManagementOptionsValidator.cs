using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity;

/// <summary>Checks <see cref="OpportunityManagementOptions"/>; failures name the option.</summary>
public sealed class OpportunityManagementOptionsValidator : IValidateOptions<OpportunityManagementOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OpportunityManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HostId))
        {
            failures.Add($"{nameof(OpportunityManagementOptions.HostId)} must not be empty.");
        }

        if (options.ClaimBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{nameof(OpportunityManagementOptions.ClaimBatchSize)} must be between 1 and 10000, was {options.ClaimBatchSize}.");
        }

        if (options.ClaimLease <= Duration.Zero)
        {
            failures.Add($"{nameof(OpportunityManagementOptions.ClaimLease)} must be positive, was {options.ClaimLease}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
