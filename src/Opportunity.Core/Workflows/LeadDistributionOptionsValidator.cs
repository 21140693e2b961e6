using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Workflows;

/// <summary>Checks <see cref="LeadDistributionOptions"/>; failures name the option.</summary>
public sealed class LeadDistributionOptionsValidator : IValidateOptions<LeadDistributionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LeadDistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Require(object? value, string option)
        {
            if (value is null)
            {
                failures.Add($"{option} must be set.");
            }
        }

        Require(options.RuleSet, nameof(options.RuleSet));
        Require(options.Escalation, nameof(options.Escalation));
        Require(options.FollowUps, nameof(options.FollowUps));
        Require(options.Privacy, nameof(options.Privacy));
        Require(options.Duplicates, nameof(options.Duplicates));
        Require(options.FallbackCalendar, nameof(options.FallbackCalendar));
        Require(options.Registrations, nameof(options.Registrations));
        if (options.NetworkRefreshInterval <= Duration.Zero)
        {
            failures.Add($"{nameof(options.NetworkRefreshInterval)} must be positive, was {options.NetworkRefreshInterval}.");
        }

        if (options.PerformanceRefreshInterval <= Duration.Zero)
        {
            failures.Add($"{nameof(options.PerformanceRefreshInterval)} must be positive, was {options.PerformanceRefreshInterval}.");
        }

        if (options.LoadRefreshInterval <= Duration.Zero)
        {
            failures.Add($"{nameof(options.LoadRefreshInterval)} must be positive, was {options.LoadRefreshInterval}.");
        }

        if (string.IsNullOrWhiteSpace(options.SystemActor))
        {
            failures.Add($"{nameof(options.SystemActor)} must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
