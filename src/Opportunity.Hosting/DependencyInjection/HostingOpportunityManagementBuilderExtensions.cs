using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Opportunity.Hosting;

namespace Opportunity;

/// <summary>Registers Opportunity.Hosting on the Opportunity builder.</summary>
public static class HostingOpportunityManagementBuilderExtensions
{
    private const string DueWorkSection = "DueWork";
    private const string DispatchSection = "Dispatch";

    /// <summary>
    /// Runs the library's background work in the host, each in its own loop with its own options:
    /// due work (<see cref="DueWorkHostedService"/>: reminders, escalations, recalls, follow-ups)
    /// and outbox dispatch (<see cref="NotificationDispatchHostedService"/>: e-mails, webhooks,
    /// your channels). Registers lead distribution and the notification dispatcher with their
    /// defaults when they are not there yet (call <c>AddLeadDistribution</c>,
    /// <c>AddNotificationDispatcher</c>, <c>UseSmtp</c> … before or after to configure them), and
    /// the default <see cref="IBackgroundDelay"/> (register your own first to replace it). Safe to
    /// call more than once; configurations accumulate and each loop runs once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid.</exception>
    public static OpportunityManagementBuilder AddBackgroundProcessing(this OpportunityManagementBuilder builder, Action<DueWorkHostingOptions>? dueWork = null, Action<NotificationDispatchHostingOptions>? dispatch = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDueWorkHostedService(dueWork);
        builder.AddNotificationDispatcher();
        AddLoop<NotificationDispatchHostingOptions, NotificationDispatchHostedService>(builder.Services, dispatch);

        // Further loops (the live-pipeline follower) join here: their own BackgroundLoopOptions
        // subclass, a hosted service over BackgroundLoop.RunAsync, one AddLoop call.
        return builder;
    }

    /// <summary>
    /// <see cref="AddBackgroundProcessing(OpportunityManagementBuilder, Action{DueWorkHostingOptions}?, Action{NotificationDispatchHostingOptions}?)"/>
    /// with each loop's options bound from its subsection of <paramref name="configuration"/>:
    /// <c>{ "DueWork": { "Interval": "00:01:00", "MaxIdleInterval": "00:05:00" }, "Dispatch": { "Interval": "PT10S" } }</c>
    /// (durations as TimeSpan or ISO-8601 strings). An unknown key fails, naming it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The section holds a key other than <c>DueWork</c> and <c>Dispatch</c>.</exception>
    public static OpportunityManagementBuilder AddBackgroundProcessing(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetChildren().FirstOrDefault(c => c.Key is not (DueWorkSection or DispatchSection)) is { } unknown)
        {
            throw new InvalidOperationException($"'{unknown.Path}' is not a background processing setting; the loops' sections are '{DueWorkSection}' and '{DispatchSection}'.");
        }

        builder.Services.AddOptions<DueWorkHostingOptions>().Bind(configuration.GetSection(DueWorkSection), binder => binder.ErrorOnUnknownConfiguration = true);
        builder.Services.AddOptions<NotificationDispatchHostingOptions>().Bind(configuration.GetSection(DispatchSection), binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddBackgroundProcessing();
    }

    /// <summary>
    /// Registers only the due-work loop of <see cref="AddBackgroundProcessing(OpportunityManagementBuilder, Action{DueWorkHostingOptions}?, Action{NotificationDispatchHostingOptions}?)"/>
    /// (<see cref="DueWorkHostedService"/>), for hosts that deliver the outbox elsewhere. Registers
    /// lead distribution with its defaults when it is not there yet. Safe to call more than once;
    /// configurations accumulate and the service runs once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid.</exception>
    public static OpportunityManagementBuilder AddDueWorkHostedService(this OpportunityManagementBuilder builder, Action<DueWorkHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddLeadDistribution();
        AddLoop<DueWorkHostingOptions, DueWorkHostedService>(builder.Services, configure);
        return builder;
    }

    /// <summary>
    /// Keeps live weighted-pipeline totals of the configured tenants on this host, equal to a
    /// recompute from the store, by following the store's change feed (<see cref="LivePipelineHostedService"/>;
    /// the store must implement <c>IChangeFeed</c>, as every store of this library does). Read them
    /// through <see cref="ILivePipelineProvider"/>. Every host may run it. Safe to call more than once;
    /// configurations accumulate and the service runs once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid (no tenant, a bad tenant id, a batch size outside 1..100,000, an interval outside 1 s..1 day).</exception>
    public static OpportunityManagementBuilder AddLivePipelineFollower(this OpportunityManagementBuilder builder, Action<LivePipelineHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LivePipelineHostingOptions>, LivePipelineHostingOptionsValidator>());
        services.TryAddSingleton<LivePipelineHostedService>();
        services.TryAddSingleton<ILivePipelineProvider>(sp => sp.GetRequiredService<LivePipelineHostedService>());
        AddLoop<LivePipelineHostingOptions, LivePipelineHostedService>(services, configure, sp => sp.GetRequiredService<LivePipelineHostedService>());
        return builder;
    }

    /// <summary>
    /// <see cref="AddLivePipelineFollower(OpportunityManagementBuilder, Action{LivePipelineHostingOptions}?)"/>
    /// with options bound from a configuration section, e.g.
    /// <c>{ "Tenants": [ "acme" ], "BatchSize": 1000, "Interval": "00:00:05", "MaxIdleInterval": "PT30S" }</c>.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder AddLivePipelineFollower(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<LivePipelineHostingOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddLivePipelineFollower();
    }

    /// <summary>
    /// Runs the retention sweep of personal data (<see cref="PersonalDataRetentionHostedService"/>) for the
    /// configured tenants; registers <c>AddPersonalDataErasure</c> too, whose options set the ages (off
    /// until set). Every host may run it. Safe to call more than once.
    /// </summary>
    /// <exception cref="OptionsValidationException">At start (ValidateOnStart) or first use, when the options are invalid (no tenant, a bad tenant id, an interval outside 1 s..1 day).</exception>
    public static OpportunityManagementBuilder AddPersonalDataRetentionHostedService(this OpportunityManagementBuilder builder, Action<PersonalDataRetentionHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPersonalDataErasure();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersonalDataRetentionHostingOptions>, PersonalDataRetentionHostingOptionsValidator>());
        AddLoop<PersonalDataRetentionHostingOptions, PersonalDataRetentionHostedService>(builder.Services, configure);
        return builder;
    }

    /// <summary>
    /// <see cref="AddPersonalDataRetentionHostedService(OpportunityManagementBuilder, Action{PersonalDataRetentionHostingOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>{ "Tenants": [ "acme" ], "Interval": "PT1H" }</c>.
    /// An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder AddPersonalDataRetentionHostedService(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<PersonalDataRetentionHostingOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddPersonalDataRetentionHostedService();
    }

    private static void AddLoop<TOptions, TService>(IServiceCollection services, Action<TOptions>? configure, Func<IServiceProvider, TService>? factory = null)
        where TOptions : BackgroundLoopOptions
        where TService : class, IHostedService
    {
        var options = services.AddOptions<TOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, BackgroundLoopOptionsValidator<TOptions>>());
        services.TryAddSingleton<IBackgroundDelay, TaskBackgroundDelay>();
        services.TryAddEnumerable(factory is null ? ServiceDescriptor.Singleton<IHostedService, TService>() : ServiceDescriptor.Singleton<IHostedService, TService>(factory));
    }

    /// <summary>
    /// <see cref="AddDueWorkHostedService(OpportunityManagementBuilder, Action{DueWorkHostingOptions}?)"/>
    /// with options bound from a configuration section, e.g. <c>{ "Interval": "00:01:00" }</c>
    /// (TimeSpan or ISO-8601 <c>"PT1M"</c>). An unknown key fails the start, naming it.
    /// </summary>
    public static OpportunityManagementBuilder AddDueWorkHostedService(this OpportunityManagementBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<DueWorkHostingOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return builder.AddDueWorkHostedService();
    }
}
