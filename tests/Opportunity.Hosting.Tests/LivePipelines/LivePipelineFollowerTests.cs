using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Persistence.PostgreSql.Tests;
using Opportunity.Persistence.Sqlite;
using Opportunity.Pipelines;
using Xunit;

namespace Opportunity.Hosting.Tests.LivePipelines;

/// <summary>
/// Several hosts over one database write concurrently; each host's follower keeps its live
/// pipeline from the change feed. One host crashes half-way (its container is disposed without
/// stopping), another starts late. After the writers stop, every running host's totals equal a
/// recompute from the store (<see cref="PipelineSnapshot.FromStoreAsync"/>) for every maintained
/// grouping, reached through the store's wake-ups alone: the followers' poll never fires.
/// </summary>
public sealed class LivePipelineFollowerTests : IDisposable
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly TenantId Other = new("other");
    private static readonly PartnerId[] Partners = [new("P-north"), new("P-south"), new("P-west")];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "opportunity-live-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));
    private readonly PipelineCatalog _pipelines = new();

    [PostgresFact]
    public async Task LivePipelineFollower_FourHostsOnOnePostgreSqlDatabase_EveryHostEqualsRecomputeAfterTheWakeUps()
    {
        var (store, schema, drop) = await PostgresTestDatabase.CreateAsync(_pipelines);
        try
        {
            await store.MigrateAsync();
            await RunHostsAsync(b => b.UseStorePorts(_ => PostgresTestDatabase.OpenStore(schema, _pipelines)), store);
        }
        finally
        {
            await store.DisposeAsync();
            await drop();
        }
    }

    [Fact]
    public async Task LivePipelineFollower_FourHostsOnOneSqliteFile_EveryHostEqualsRecomputeAfterTheWakeUps()
    {
        var path = Path.Combine(_folder, "shared.db");
        using var store = new SqliteStore(path, _pipelines);
        await store.MigrateAsync();
        await RunHostsAsync(b => b.UseSqliteFile(path), store);
    }

    [Fact]
    public async Task LivePipelineFollower_FourHostsOnOneInMemoryStore_EveryHostEqualsRecomputeAfterTheWakeUps()
    {
        var store = new InMemoryStore(_pipelines, _clock);
        // One store object shared by the hosts (the in-memory store is one process's memory).
        await RunHostsAsync(b => b.Services.Replace(ServiceDescriptor.Singleton(store)), StorePorts.Of(store));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task RunHostsAsync(Action<OpportunityManagementBuilder> useStore, StorePorts reference)
    {
        // A deal of another tenant, which no follower of this tenant may count.
        await reference.Opportunities.AddAsync(Deal(Other, "other-1", 0));
        var hosts = new List<FollowerHost>();
        try
        {
            for (var n = 0; n < 4; n++)
            {
                var host = new FollowerHost($"host-{n}", Tenant, _clock, _pipelines, useStore);
                hosts.Add(host);
                await host.StartAsync();
            }

            var writers = hosts.Select((host, n) => Task.Run(async () =>
            {
                for (var i = 0; i < 12; i++)
                {
                    if (n == 3 && i == 6)
                    {
                        return; // host 3 crashes here
                    }

                    await WriteDealAsync(host.Store, $"h{n}-{i}", (n * 12) + i);
                }
            })).ToList();

            await writers[3];
            await hosts[3].DisposeAsync();
            var late = new FollowerHost("host-late", Tenant, _clock, _pipelines, useStore);
            hosts[3] = late;
            await late.StartAsync();
            await Task.WhenAll(writers);

            var head = await reference.ChangeFeed!.ReadHeadAsync(Tenant);
            var expected = await PipelineSnapshot.FromStoreAsync(reference.Opportunities, AccessScope.Manufacturer(Tenant), new PipelineSnapshotOptions { Pipelines = _pipelines });
            Assert.Equal(3 * 12 + 6, await CountAsync(reference.Opportunities));
            foreach (var host in hosts)
            {
                await host.Live.WaitForPositionAsync(Tenant, head).WaitAsync(FollowerHost.Guard);
                foreach (var grouping in new[] { PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage), PipelineGrouping.By(PipelineDimension.CloseQuarter, PipelineDimension.ForecastCategory), PipelineGrouping.Total })
                {
                    using var want = expected.Group(grouping);
                    using var have = host.Live.Totals(Tenant, grouping);
                    Assert.NotNull(have);
                    Assert.Equal(want.Groups, have.Groups);
                }
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<int> CountAsync(IOpportunityStore store)
    {
        var count = 0;
        await foreach (var _ in store.QueryAsync(AccessScope.Manufacturer(Tenant), new OpportunityQuery()))
        {
            count++;
        }

        return count;
    }

    /// <summary>Adds a deal and takes it through a few changes: stage moves, amount, close won or lost, a reopen.</summary>
    private async Task WriteDealAsync(IOpportunityStore store, string id, int k)
    {
        var deal = Deal(Tenant, id, k);
        await store.AddAsync(deal);
        deal.MoveToStage(k % 2 == 0 ? "Proposal" : "Negotiation", "sales", _clock);
        await store.UpdateAsync(deal);
        deal.ChangeAmount(new Money(1_000m + (k * 37.25m), deal.Amount.Currency), "sales", _clock);
        await store.UpdateAsync(deal);
        switch (k % 5)
        {
            case 0:
                deal.CloseLost("budget", "sales", _clock);
                await store.UpdateAsync(deal);
                break;
            case 1:
                deal.CloseWon("signed", "sales", _clock);
                await store.UpdateAsync(deal);
                break;
            case 2:
                deal.CloseLost("timing", "sales", _clock);
                await store.UpdateAsync(deal);
                deal.Reopen("Proposal", "budget found", "sales", _clock);
                await store.UpdateAsync(deal);
                break;
        }
    }

    private SalesOpportunity Deal(TenantId tenant, string id, int k) =>
        SalesOpportunity.Open(
            tenant,
            new OpportunityId(id),
            new SalesOpportunityDraft(Partners[k % Partners.Length], new Money(500m + k, k % 4 == 3 ? CurrencyCode.USD : CurrencyCode.EUR), new LocalDate(2025, 4 + (k % 6), 15)) { Name = id },
            PipelineDefinition.Default,
            "sales",
            _clock);
}
