using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Partners;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// Outbox dispatch on PostgreSQL (migration 10's <c>claim_outbox</c>): a claim locks and re-leases only what it
/// takes, so its dispatcher's own renewals and completions never wait for it, and several hosts over one
/// database still deliver every notification exactly once.
/// </summary>
public sealed class PostgreSqlOutboxDispatchTests
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [PostgresFact]
    public async Task ClaimAsync_OwnHeldMessages_ReturnedButLeasedAgainOnlyWithLessThanHalfALeaseLeft()
    {
        var (store, schema, drop) = await PostgresTestDatabase.CreateAsync(new PipelineCatalog());
        try
        {
            var t0 = _clock.GetCurrentInstant();
            var lease = Duration.FromMinutes(10);
            await store.Outbox.EnqueueAsync([Message("m-1", t0), Message("m-2", t0)]);
            Assert.Equal(["m-1"], (await store.Outbox.ClaimAsync(new DueWorkClaim(t0, 1, "host-1", lease))).Select(m => m.Id));

            // Six minutes of m-1's lease left: returned, not rewritten (its row version stays); m-2 is taken.
            var before = await RowVersionAsync(schema, "m-1");
            var second = await store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(4), 2, "host-1", lease));
            Assert.Equal(["m-1", "m-2"], second.Select(m => m.Id));
            Assert.Equal(before, await RowVersionAsync(schema, "m-1"));

            // At t0 + 6 min m-1 has four minutes left and is leased again, to t0 + 16 min; m-2 (to t0 + 14 min) has eight and is not.
            Assert.Equal(["m-1", "m-2"], (await store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(6), 2, "host-1", lease))).Select(m => m.Id));
            Assert.NotEqual(before, await RowVersionAsync(schema, "m-1"));
            Assert.Empty(await store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(10), 10, "host-2", lease)));
            Assert.Equal(["m-2"], (await store.Outbox.ClaimAsync(new DueWorkClaim(t0 + Duration.FromMinutes(15), 10, "host-2", lease))).Select(m => m.Id));
            Assert.False(await store.Outbox.RenewLeaseAsync("m-2", "host-1", t0 + Duration.FromMinutes(20)));
            Assert.True(await store.Outbox.RenewLeaseAsync("m-1", "host-1", t0 + Duration.FromMinutes(20)));
        }
        finally
        {
            await drop();
        }
    }

    [PostgresFact]
    public async Task DispatchDueAsync_ThreeHostsOverOneDatabase_DeliverEveryNotificationOnceAndLeaveNothing()
    {
        const int leads = 60;
        var (store, schema, drop) = await PostgresTestDatabase.CreateAsync(new PipelineCatalog());
        var deliveries = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var hosts = Enumerable.Range(1, 3).Select(i => Host(schema, $"host-{i}", deliveries)).ToList();
        try
        {
            // Each lead writes two events (captured, qualified); each event fans out to one notification for the CRM host.
            for (var i = 1; i <= leads; i++)
            {
                var lead = Lead.Capture(Tenant, new LeadId($"L-{i:D3}"), Details(i), "web", _clock);
                lead.Qualify(LeadQualification.Full, "sales", _clock);
                await store.Leads.AddAsync(lead);
            }

            var events = (await store.Outbox.ListPendingAsync()).Count;
            var dispatchers = hosts.Select(h => h.GetRequiredService<NotificationDispatcher>()).ToList();
            var summaries = new List<DispatchSummary>();
            for (var round = 0; round < 10 && (await store.Outbox.GetBacklogAsync()).Pending > 0; round++)
            {
                summaries.AddRange(await Task.WhenAll(dispatchers.Select(d => Task.Run(() => d.DispatchDueAsync()))));
            }

            Assert.Equal(2 * leads, events);
            Assert.Equal(0L, (await store.Outbox.GetBacklogAsync()).Pending);
            Assert.Empty(await store.Outbox.ListDeadLettersAsync());
            Assert.Equal(events, deliveries.Count);
            Assert.All(deliveries, d => Assert.True(d.Value == 1, $"{d.Key} was delivered {d.Value} times"));
            Assert.Equal(events, summaries.Sum(s => s.EventsFannedOut));
            Assert.Equal(events, summaries.Sum(s => s.Delivered));
            Assert.Equal(0, summaries.Sum(s => s.LeasesLost + s.Failed));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            await drop();
        }
    }

    private ServiceProvider Host(string schema, string worker, ConcurrentDictionary<string, int> deliveries)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        services.AddOpportunityManagement()
            .UsePostgreSql(o =>
            {
                o.ConnectionString = PostgresTestDatabase.App ?? PostgresTestDatabase.Owner!;
                o.MigrationConnectionString = PostgresTestDatabase.Owner;
                o.Schema = schema;
            })
            .AddNotificationDispatcher(o =>
            {
                o.WorkerId = worker;
                o.BatchSize = 10; // small batches: each run claims many times, returning what it already holds
            })
            .AddNotificationChannel(CrmChannel.ChannelName, _ => new CrmChannel(deliveries));
        return services.BuildServiceProvider();
    }

    private static LeadDetails Details(int number) => new()
    {
        Source = "web-form",
        Company = $"Company {number}",
        Contact = new LeadContact($"Contact {number}", $"buyer@company-{number}.example", null),
        Location = new LeadLocation(new CountryCode("DE"), "80331"),
        ProductInterest = "heat-pumps",
        Language = "de",
    };

    private static OutboxMessage Message(string id, Instant at) => new(id, Tenant, "notification", "test", "{}", at);

    // The row's current version (xmin changes with every write of the row): as the owner, across tenants.
    private static async Task<string> RowVersionAsync(string schema, string id)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var system = new NpgsqlCommand("SELECT set_config('opportunity.system', 'on', true);", connection, transaction);
        await system.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand($"SELECT xmin::text || '/' || lease_until::text FROM {schema}.outbox WHERE id = $1;", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Delivers every event to one CRM host at once and counts deliveries per notification id.</summary>
    private sealed class CrmChannel(ConcurrentDictionary<string, int> deliveries) : INotificationChannel
    {
        public const string ChannelName = "crm-webhook";

        public string Name => ChannelName;

        public ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<NotificationRecipient>>([new NotificationRecipient("crm", NotificationAudience.Host)]);

        public Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            deliveries.AddOrUpdate(notification.Id, 1, (_, n) => n + 1);
            return Task.FromResult(DeliveryResult.Delivered);
        }
    }
}
