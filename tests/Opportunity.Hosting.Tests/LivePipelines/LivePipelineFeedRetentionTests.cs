using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Hosting.Tests.LivePipelines;

/// <summary>
/// Feed retention through the follower (<see cref="LivePipelineHostingOptions.FeedRetention"/>): a
/// host with a retention trims what it read longer ago than that; a host that stood still behind the
/// trim is told to resync, loads the tenant again and ends equal to a recompute.
/// </summary>
public sealed class LivePipelineFeedRetentionTests
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));
    private readonly PipelineCatalog _pipelines = new();

    [Fact]
    public async Task RunOnceAsync_RetentionPassed_TrimsWhatItReadAndAHostBehindResyncs()
    {
        var store = new InMemoryStore(_pipelines, _clock);
        using var trimming = Follower(store, Duration.FromHours(1));
        using var behind = Follower(store, retention: null);
        await AddAsync(store, 1, 3);
        Assert.Equal(0, await trimming.RunOnceAsync());
        Assert.Equal(0, await behind.RunOnceAsync());
        var behindAt = behind.Position(Tenant)!.Value;

        // Two hours on: the mark of the first pass is older than the retention; what it had read goes.
        await AddAsync(store, 4, 6);
        _clock.Advance(Duration.FromHours(2));
        Assert.Equal(3, await trimming.RunOnceAsync());
        Assert.False((await store.ReadChangesAsync(Tenant, behindAt, 10)).ResyncRequired);

        // Two hours more: now entries after the idle host's position are trimmed too.
        await AddAsync(store, 7, 7);
        _clock.Advance(Duration.FromHours(2));
        Assert.Equal(1, await trimming.RunOnceAsync());
        Assert.True((await store.ReadChangesAsync(Tenant, behindAt, 10)).ResyncRequired);

        Assert.Equal(0, await behind.RunOnceAsync());
        var head = await store.ReadHeadAsync(Tenant);
        Assert.Equal(head, behind.Position(Tenant));
        Assert.Equal(head, trimming.Position(Tenant));
        var expected = await PipelineSnapshot.FromStoreAsync(store, AccessScope.Manufacturer(Tenant), new PipelineSnapshotOptions { Pipelines = _pipelines });
        using var want = expected.Group(PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage));
        using var trimmed = trimming.Totals(Tenant, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage));
        using var reloaded = behind.Totals(Tenant, PipelineGrouping.By(PipelineDimension.Partner, PipelineDimension.Stage));
        Assert.Equal(7, expected.Count);
        Assert.Equal(want.Groups, trimmed!.Groups);
        Assert.Equal(want.Groups, reloaded!.Groups);
    }

    private LivePipelineHostedService Follower(InMemoryStore store, Duration? retention)
    {
        var options = new LivePipelineHostingOptions { FeedRetention = retention };
        options.Tenants.Add(Tenant.Value);
        return new LivePipelineHostedService(store, _pipelines, new TaskBackgroundDelay(), _clock, Options.Create(options));
    }

    private async Task AddAsync(InMemoryStore store, int first, int last)
    {
        for (var k = first; k <= last; k++)
        {
            await store.AddAsync(SalesOpportunity.Open(
                Tenant,
                new OpportunityId($"o-{k}"),
                new SalesOpportunityDraft(new PartnerId($"P-{k % 2}"), new Money(1_000m * k, CurrencyCode.EUR), new LocalDate(2025, 6, 30)),
                PipelineDefinition.Default,
                "sales",
                _clock));
        }
    }
}
