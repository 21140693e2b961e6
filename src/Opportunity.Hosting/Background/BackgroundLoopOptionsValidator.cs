using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Hosting;

/// <summary>Checks the settings of a background loop; failures name the option.</summary>
internal sealed class BackgroundLoopOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : BackgroundLoopOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(nameof(BackgroundLoopOptions.Interval), options.Interval, failures);
        Check(nameof(BackgroundLoopOptions.MaxIdleInterval), options.MaxIdleInterval, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string option, Duration value, List<string> failures)
    {
        if (value < BackgroundLoopOptions.MinInterval || value > BackgroundLoopOptions.MaxInterval)
        {
            failures.Add($"{typeof(TOptions).Name}.{option} must be between {BackgroundLoopOptions.MinInterval} and {BackgroundLoopOptions.MaxInterval}, was {value}.");
        }
    }
}
