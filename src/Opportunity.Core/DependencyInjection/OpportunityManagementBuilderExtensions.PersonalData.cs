using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Opportunity.Workflows;

namespace Opportunity;

public static partial class OpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="PersonalDataService"/> (erasure on request and the retention sweep) with
    /// validated <see cref="PersonalDataRetentionOptions"/>. The store must implement
    /// <see cref="Persistence.IPersonalDataEraser"/> (the in-memory, SQLite and PostgreSQL stores do).
    /// Safe to call more than once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid (an age not positive, a batch outside 1..100,000).</exception>
    public static OpportunityManagementBuilder AddPersonalDataErasure(this OpportunityManagementBuilder builder, Action<PersonalDataRetentionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PersonalDataRetentionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersonalDataRetentionOptions>, PersonalDataRetentionOptionsValidator>());
        builder.Services.TryAddSingleton<PersonalDataService>();
        return builder;
    }

    /// <summary>
    /// <see cref="AddPersonalDataErasure(OpportunityManagementBuilder, Action{PersonalDataRetentionOptions}?)"/>
    /// with the options bound from a configuration section, e.g. <c>configuration.GetSection("Opportunity:Retention")</c>
    /// (ages as TimeSpan or ISO-8601 text). An unknown key or a bad value fails the start, naming its key path.
    /// </summary>
    public static OpportunityManagementBuilder AddPersonalDataErasure(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<PersonalDataRetentionOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddPersonalDataErasure();
    }
}
