using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Notifications;
using Opportunity.Notifications.Webhooks;

namespace Opportunity;

/// <summary>Registers the webhook channel.</summary>
public static class WebhooksOpportunityManagementBuilderExtensions
{
    /// <summary>
    /// Adds the signed-webhook channel (and the notification dispatcher, if not added yet) with
    /// validated options, an in-memory <see cref="IWebhookEndpointStatus"/> and DNS resolution,
    /// each replaceable by registering your own first. Safe to call more than once; configurations accumulate.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid.</exception>
    public static OpportunityManagementBuilder UseWebhooks(this OpportunityManagementBuilder builder, Action<WebhookNotificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<WebhookNotificationOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookNotificationOptions>, WebhookNotificationOptionsValidator>());
        services.TryAddSingleton<IWebhookEndpointStatus, InMemoryWebhookEndpointStatus>();
        services.TryAddSingleton<IWebhookHostResolver>(_ => new DnsWebhookHostResolver());
        services.TryAddSingleton(sp => new WebhookNotificationChannel(
            sp.GetRequiredService<IOptions<WebhookNotificationOptions>>().Value,
            sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<IWebhookEndpointStatus>(),
            sp.GetRequiredService<IWebhookHostResolver>(),
            sp.GetService<ILogger<WebhookNotificationChannel>>()));
        return builder.AddNotificationChannel<WebhookNotificationChannel>();
    }

    /// <summary>
    /// <see cref="UseWebhooks(OpportunityManagementBuilder, Action{WebhookNotificationOptions})"/> with
    /// options bound from a configuration section, e.g.
    /// <c>{ "Timeout": "00:00:15", "Endpoints": [ { "Name": "crm", "Url": "https://crm.example/hooks", "Secrets": [ "…" ] } ] }</c>.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder UseWebhooks(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<WebhookNotificationOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.UseWebhooks(_ => { });
    }
}
