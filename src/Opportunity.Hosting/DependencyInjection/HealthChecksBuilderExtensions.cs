using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Opportunity.Hosting.Health;

namespace Opportunity;

/// <summary>Adds Opportunity's health checks to ASP.NET Core's (or any host's) health checks.</summary>
public static class HealthChecksBuilderExtensions
{
    /// <summary>The name of the check that the store is reachable and migrated.</summary>
    public const string StoreCheckName = "opportunity.store";

    /// <summary>The name of the check of the outbox backlog and its oldest pending message.</summary>
    public const string OutboxCheckName = "opportunity.outbox";

    /// <summary>
    /// Adds <see cref="StoreCheckName"/> (the registered store answers and its schema is at the
    /// latest version) and <see cref="OutboxCheckName"/> (pending messages and the oldest one's age
    /// under the thresholds of <see cref="OpportunityHealthCheckOptions"/>, validated at start), both
    /// tagged <c>opportunity</c> and the given <paramref name="tags"/> (e.g. <c>ready</c>). Needs
    /// <c>AddOpportunityManagement</c>.
    /// </summary>
    public static IHealthChecksBuilder AddOpportunity(this IHealthChecksBuilder builder, Action<OpportunityHealthCheckOptions>? configure = null, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OpportunityHealthCheckOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpportunityHealthCheckOptions>, OpportunityHealthCheckOptionsValidator>());
        string[] all = ["opportunity", .. tags];
        return builder
            .AddCheck<StoreHealthCheck>(StoreCheckName, HealthStatus.Unhealthy, all)
            .AddCheck<OutboxHealthCheck>(OutboxCheckName, HealthStatus.Unhealthy, all);
    }
}
