using Microsoft.Extensions.Options;

namespace Opportunity.Hosting;

/// <summary>Checks the tenants of <see cref="PersonalDataRetentionHostingOptions"/>; failures name the option.</summary>
internal sealed class PersonalDataRetentionHostingOptionsValidator : IValidateOptions<PersonalDataRetentionHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, PersonalDataRetentionHostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        TenantListValidation.Check(nameof(PersonalDataRetentionHostingOptions), options.Tenants, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
