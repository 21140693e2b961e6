using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Configuration;
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
    /// you (<c>UseSmtp</c>, <c>UseWebhooks</c>, <c>AddNotificationChannel</c>). Safe to call more
    /// than once; configurations accumulate. The host decides when to run it: call
    /// <see cref="NotificationDispatcher.DispatchDueAsync"/> periodically, or let
    /// <c>AddBackgroundProcessing</c> (Opportunity.Hosting) do it.
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
    /// (durations as TimeSpan or ISO-8601 strings; templates under <c>Templates:{EventType}:{Audience}:{language}</c>,
    /// inline or from files under the content root, see docs/configuration.md). An unknown key or a
    /// broken template fails the start, naming its key path.
    /// </summary>
    public static OpportunityManagementBuilder AddNotificationDispatcher(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        // Templates are immutable and checked against their events; a reader of their own takes that section.
        builder.Services.AddOptions<NotificationDispatcherOptions>()
            .Bind(new ConfigurationWithoutSections(configuration, NotificationTemplatesSection.Name), binder => binder.ErrorOnUnknownConfiguration = true);
        builder.Services.AddSingleton<IConfigureOptions<NotificationDispatcherOptions>>(sp => new NotificationTemplatesSection(configuration, sp));
        return builder.AddNotificationDispatcher();
    }

    /// <summary>
    /// Adds the notification channel <typeparamref name="TChannel"/>, resolved from DI (registered
    /// as a singleton unless you registered it first, e.g. with a factory), under its
    /// <see cref="INotificationChannel.Name"/> (and the notification dispatcher, if not added yet).
    /// <paramref name="configure"/> chooses its events (<see cref="NotificationChannelOptions.Events"/>).
    /// Safe to call more than once; configurations accumulate and the channel is added once.
    /// </summary>
    public static OpportunityManagementBuilder AddNotificationChannel<TChannel>(this OpportunityManagementBuilder builder, Action<NotificationChannelOptions>? configure = null)
        where TChannel : class, INotificationChannel
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TChannel>();
        return builder.AddNotificationChannel(typeof(TChannel).FullName!, sp => sp.GetRequiredService<TChannel>(), configure);
    }

    /// <summary>
    /// Adds a notification channel created by <paramref name="factory"/> (and the notification
    /// dispatcher, if not added yet); channel packages use it (<c>UseSmtp</c>, <c>UseWebhooks</c>),
    /// and so may you for several channels of one type. <paramref name="name"/> identifies the
    /// registration: a second call with the same name adds no second channel, and the
    /// <see cref="NotificationChannelOptions"/> named <paramref name="name"/> apply to it.
    /// </summary>
    public static OpportunityManagementBuilder AddNotificationChannel(this OpportunityManagementBuilder builder, string name, Func<IServiceProvider, INotificationChannel> factory, Action<NotificationChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        builder.AddNotificationDispatcher();
        var services = builder.Services;
        var options = services.AddOptions<NotificationChannelOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(NotificationChannelRegistration) && d.ImplementationInstance is NotificationChannelRegistration r && r.Name == name))
        {
            return builder;
        }

        services.AddSingleton(new NotificationChannelRegistration(name));
        services.AddSingleton<INotificationChannel>(sp =>
        {
            var channel = factory(sp);
            var events = sp.GetRequiredService<IOptionsMonitor<NotificationChannelOptions>>().Get(name).Events;
            return events.Count == 0 ? channel : new EventFilteredNotificationChannel(channel, events);
        });
        return builder;
    }

    /// <summary>Marks a channel registration, so a second call with its name adds no second channel.</summary>
    private sealed record NotificationChannelRegistration(string Name);
}
