using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Workflows;

/// <summary>Checks <see cref="PersonalDataRetentionOptions"/>; failures name the option.</summary>
public sealed class PersonalDataRetentionOptionsValidator : IValidateOptions<PersonalDataRetentionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PersonalDataRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ClosedOpportunityAge is { } deals && deals <= Duration.Zero)
        {
            failures.Add($"{nameof(PersonalDataRetentionOptions)}.{nameof(options.ClosedOpportunityAge)} must be positive when set (was {deals}).");
        }

        if (options.ClosedLeadAge is { } leads && leads <= Duration.Zero)
        {
            failures.Add($"{nameof(PersonalDataRetentionOptions)}.{nameof(options.ClosedLeadAge)} must be positive when set (was {leads}).");
        }

        if (options.MaxRecordsPerSweep is < 1 or > PersonalDataRetentionOptions.MaxBatch)
        {
            failures.Add($"{nameof(PersonalDataRetentionOptions)}.{nameof(options.MaxRecordsPerSweep)} must be between 1 and {PersonalDataRetentionOptions.MaxBatch} (was {options.MaxRecordsPerSweep}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
