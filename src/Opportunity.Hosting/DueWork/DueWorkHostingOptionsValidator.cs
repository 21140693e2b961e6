using Microsoft.Extensions.Options;

namespace Opportunity.Hosting;

/// <summary>Checks <see cref="DueWorkHostingOptions"/>; failures name the option.</summary>
public sealed class DueWorkHostingOptionsValidator : IValidateOptions<DueWorkHostingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DueWorkHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Interval < DueWorkHostingOptions.MinInterval || options.Interval > DueWorkHostingOptions.MaxInterval
            ? ValidateOptionsResult.Fail($"{nameof(DueWorkHostingOptions.Interval)} must be between {DueWorkHostingOptions.MinInterval} and {DueWorkHostingOptions.MaxInterval}, was {options.Interval}.")
            : ValidateOptionsResult.Success;
    }
}
