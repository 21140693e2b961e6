using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Notifications;
using Opportunity.Notifications.Smtp;

namespace Opportunity;

/// <summary>Registers SMTP channels.</summary>
public static class SmtpOpportunityManagementBuilderExtensions
{
    /// <summary>Adds the SMTP channel named <c>smtp</c> (and the notification dispatcher, if not added yet).</summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid.</exception>
    public static OpportunityManagementBuilder UseSmtp(this OpportunityManagementBuilder builder, Action<SmtpNotificationOptions> configure) =>
        UseSmtp(builder, SmtpNotificationChannel.DefaultName, configure);

    /// <summary>
    /// Adds an SMTP channel with its own name and options, e.g. one relay for partner mail and
    /// another for internal mail (see <see cref="SmtpNotificationOptions.Audiences"/>). Safe to call
    /// more than once per name; configurations accumulate. Its events can be chosen like any
    /// channel's: <c>services.Configure&lt;NotificationChannelOptions&gt;(channelName, o => o.Events.Add&lt;LeadAssigned&gt;())</c>.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when options are invalid.</exception>
    public static OpportunityManagementBuilder UseSmtp(this OpportunityManagementBuilder builder, string channelName, Action<SmtpNotificationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelName);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SmtpNotificationOptions>(channelName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpNotificationOptions>, SmtpNotificationOptionsValidator>());
        return builder.AddNotificationChannel(channelName, sp => new SmtpNotificationChannel(
            sp.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get(channelName),
            sp.GetRequiredService<IClock>(),
            sp.GetService<ILogger<SmtpNotificationChannel>>(),
            channelName));
    }

    /// <summary>
    /// Adds the SMTP channel named <c>smtp</c> with options bound from a configuration section, e.g.
    /// <c>{ "Host": "smtp.example.com", "From": "leads@example.com", "Timeout": "00:00:30" }</c>.
    /// <see cref="SmtpNotificationOptions.Audiences"/> from configuration replaces the default set.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder UseSmtp(this OpportunityManagementBuilder builder, IConfiguration configuration) =>
        UseSmtp(builder, SmtpNotificationChannel.DefaultName, configuration);

    /// <summary>Adds an SMTP channel with its own name and options bound from a configuration section (see <see cref="UseSmtp(OpportunityManagementBuilder, IConfiguration)"/>).</summary>
    public static OpportunityManagementBuilder UseSmtp(this OpportunityManagementBuilder builder, string channelName, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelName);
        ArgumentNullException.ThrowIfNull(configuration);

        // The binder adds to a get-only set; a configured audience list means "exactly these".
        var audiences = configuration.GetSection(nameof(SmtpNotificationOptions.Audiences));
        builder.Services.AddOptions<SmtpNotificationOptions>(channelName)
            .Configure(o =>
            {
                if (audiences.GetChildren().Any())
                {
                    o.Audiences.Clear();
                }
            })
            .Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return UseSmtp(builder, channelName, _ => { });
    }
}

