using Microsoft.Extensions.Diagnostics.HealthChecks;
using Opportunity.Persistence;

namespace Opportunity.Hosting.Health;

/// <summary>
/// Healthy when the registered store answers and its schema is at this library's latest version;
/// Unhealthy when it cannot be reached or misses migrations (e.g. <c>AutoMigrate</c> is off and
/// nobody ran <c>MigrateAsync</c>). A store without a schema (no <see cref="StorePorts.Schema"/>)
/// is checked for reachability only, through the outbox.
/// </summary>
internal sealed class StoreHealthCheck(StorePorts ports) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The store's name as users know it: the schema owner (SqliteStore, InMemoryStore), else the lead store.
        var store = (object?)ports.Schema ?? ports.Leads;
        try
        {
            if (ports.Schema is not { } schema)
            {
                var outbox = ports.Outbox;
                await outbox.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy($"{store.GetType().Name} is reachable (it reports no schema).");
            }

            var status = await schema.GetSchemaStatusAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["store"] = store.GetType().Name,
                ["schema_version"] = status.Version,
                ["latest_schema_version"] = status.LatestVersion,
                ["pending_migrations"] = status.Pending,
            };
            return status.IsCurrent
                ? HealthCheckResult.Healthy($"{store.GetType().Name} is reachable at schema version {status.Version}.", data)
                : new HealthCheckResult(context.Registration.FailureStatus, $"{store.GetType().Name} misses {status.Pending} migration(s): schema version {status.Version}, this library needs {status.LatestVersion}. Run MigrateAsync or enable AutoMigrate.", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{store.GetType().Name} cannot be reached or read: {ex.GetType().Name}.", ex);
        }
    }
}
