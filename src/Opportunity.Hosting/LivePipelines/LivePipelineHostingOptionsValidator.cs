using NodaTime;
using Microsoft.Extensions.Options;

namespace Opportunity.Hosting;

/// <summary>Checks the tenants and the batch size of <see cref="LivePipelineHostingOptions"/>; failures name the option.</summary>
internal sealed class LivePipelineHostingOptionsValidator : IValidateOptions<LivePipelineHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, LivePipelineHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        TenantListValidation.Check(nameof(LivePipelineHostingOptions), options.Tenants, failures);

        if (options.BatchSize is < 1 or > LivePipelineHostingOptions.MaxBatchSize)
        {
            failures.Add($"{nameof(LivePipelineHostingOptions)}.{nameof(LivePipelineHostingOptions.BatchSize)} must be between 1 and {LivePipelineHostingOptions.MaxBatchSize}, was {options.BatchSize}.");
        }

        if (options.FeedRetention is { } retention && retention <= Duration.Zero)
        {
            failures.Add($"{nameof(LivePipelineHostingOptions)}.{nameof(LivePipelineHostingOptions.FeedRetention)} must be positive when set, was {retention}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
