using Microsoft.Extensions.Options;

namespace Opportunity.Hosting;

/// <summary>Checks the tenants of <see cref="PersonalDataRetentionHostingOptions"/>; failures name the option.</summary>
internal sealed class PersonalDataRetentionHostingOptionsValidator : IValidateOptions<PersonalDataRetentionHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, PersonalDataRetentionHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Tenants.Count == 0)
        {
            failures.Add($"{nameof(PersonalDataRetentionHostingOptions)}.{nameof(PersonalDataRetentionHostingOptions.Tenants)} must name at least one tenant.");
        }

        for (var i = 0; i < options.Tenants.Count; i++)
        {
            if (!TenantId.TryParse(options.Tenants[i], null, out _))
            {
                failures.Add($"{nameof(PersonalDataRetentionHostingOptions)}.{nameof(PersonalDataRetentionHostingOptions.Tenants)}[{i}] is not a tenant id: '{options.Tenants[i]}'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
