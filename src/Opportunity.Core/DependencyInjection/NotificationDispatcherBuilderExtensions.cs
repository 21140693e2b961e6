using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Notifications;

namespace Opportunity;

/// <summary>Registers the <see cref="NotificationDispatcher"/> on an <see cref="OpportunityManagementBuilder"/>.</summary>
public static class NotificationDispatcherBuilderExtensions
{
    /// <summary>
    /// Registers the notification dispatcher (a singleton over the registered
    /// <see cref="IOutboxStore"/>, <see cref="IPartnerDirectory"/>, <see cref="IClock"/> and every
    /// <see cref="INotificationChannel"/>) with validated options. Channel packages call it for
    /// you (<c>UseSmtp</c>, <c>UseWebhooks</c>). Safe to call more than once; configurations
    /// accumulate. The host decides when to run it: call
    /// <see cref="NotificationDispatcher.DispatchDueAsync"/> periodically.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid or a channel's own delivery limit (e.g. the webhook timeout) exceeds <see cref="NotificationDispatcherOptions.DeliveryTimeout"/>.</exception>
    public static OpportunityManagementBuilder AddNotificationDispatcher(this OpportunityManagementBuilder builder, Action<NotificationDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<NotificationDispatcherOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(NotificationDispatcher)))
        {
            return builder;
        }

        options.PostConfigure<IOptions<OpportunityManagementOptions>>((o, management) => o.WorkerId ??= management.Value.HostId);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationDispatcherOptions>, NotificationDispatcherOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationDispatcherOptions>, NotificationChannelLimitsValidator>());
        services.TryAddSingleton(sp => new NotificationDispatcher(
            sp.GetRequiredService<IOutboxStore>(),
            sp.GetRequiredService<IPartnerDirectory>(),
            sp.GetServices<INotificationChannel>(),
            sp.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value,
            sp.GetRequiredService<IClock>(),
            sp.GetService<ILogger<NotificationDispatcher>>(),
            sp.GetService<IMeterFactory>()));
        return builder;
    }

    /// <summary>
    /// <see cref="AddNotificationDispatcher(OpportunityManagementBuilder, Action{NotificationDispatcherOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>configuration.GetSection("Opportunity:Notifications")</c>
    /// (durations as TimeSpan or ISO-8601 strings). An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder AddNotificationDispatcher(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<NotificationDispatcherOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddNotificationDispatcher();
    }
}
