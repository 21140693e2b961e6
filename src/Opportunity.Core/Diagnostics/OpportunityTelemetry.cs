using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Opportunity.Diagnostics;

/// <summary>
/// The names under which the library traces and measures, for OpenTelemetry's
/// <c>AddSource(OpportunityTelemetry.SourceName)</c> and <c>AddMeter(OpportunityTelemetry.MeterName)</c>
/// (see docs/observability.md for every span, tag and instrument). Tags carry tenants, ids and
/// outcomes only, never a customer's contact data.
/// </summary>
public static class OpportunityTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> of the workflows and the stores.</summary>
    public const string SourceName = "Opportunity";

    /// <summary>The name of the <see cref="Meter"/> of the workflows, the outbox and the notification dispatcher.</summary>
    public const string MeterName = "Opportunity";

    /// <summary>The workflows' and Core's stores' source (process-wide, as ActivitySources are).</summary>
    internal static readonly ActivitySource Source = new(SourceName, typeof(OpportunityTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one store port call, for adapters (the SQLite and PostgreSQL stores use
    /// it; so can your own): named <c>opportunity.store.{operation}</c>, with the tags
    /// <c>db.system.name</c>, <c>db.operation.name</c> and <c>opportunity.tenant</c>.
    /// Null when nobody listens.
    /// </summary>
    /// <param name="dbSystem">The database system, as OpenTelemetry names it (<c>sqlite</c>, <c>postgresql</c>).</param>
    /// <param name="operation">The port method, e.g. <c>ClaimDueBatchAsync</c>.</param>
    /// <param name="tenant">The tenant the call is scoped to, if any.</param>
    public static Activity? StartStoreActivity(string dbSystem, string operation, string? tenant = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // An explicit interface implementation's caller name carries the interface (ILeadStore.ClaimDueBatchAsync).
        operation = operation[(operation.LastIndexOf('.') + 1)..];
        var activity = Source.StartActivity("opportunity.store." + operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.DbSystem, dbSystem);
            activity.SetTag(TelemetryTags.DbOperation, operation);
            if (!string.IsNullOrEmpty(tenant))
            {
                activity.SetTag(TelemetryTags.Tenant, tenant);
            }
        }

        return activity;
    }

    /// <summary>The meter: from DI's <see cref="IMeterFactory"/> (disposed with the container), else the process-wide one.</summary>
    internal static Meter CreateMeter(IMeterFactory? meterFactory) =>
        meterFactory?.Create(new MeterOptions(MeterName)) ?? SharedMeter;

    /// <summary>The meter of services created without DI; shared, so creating many of them leaks nothing.</summary>
    private static readonly Meter SharedMeter = new(MeterName);
}
