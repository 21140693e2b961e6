using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Hosting.Tests.LivePipelines;

/// <summary>One application host with the live-pipeline follower over a store of its own (or a shared one), started by the test.</summary>
internal sealed class FollowerHost : IAsyncDisposable
{
    // A guard against a hanging run, not a timing assertion: each wait ends as soon as the follower gets there.
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    public FollowerHost(string name, TenantId tenant, IClock clock, PipelineCatalog pipelines, Action<OpportunityManagementBuilder> useStore)
    {
        Tenant = tenant;
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddSingleton(pipelines);
        services.AddSingleton<IBackgroundDelay>(Delays);
        var builder = services.AddOpportunityManagement(o => o.HostId = name);
        useStore(builder);
        builder.AddLivePipelineFollower(o => o.Tenants.Add(tenant.Value));
        Provider = services.BuildServiceProvider();
    }

    public TenantId Tenant { get; }

    /// <summary>The follower's poll waits: never released by these tests, so only the store's wake-ups make it read.</summary>
    public LoopDelays Delays { get; } = new();

    public ServiceProvider Provider { get; }

    public LivePipelineHostedService Service => Provider.GetRequiredService<LivePipelineHostedService>();

    public ILivePipelineProvider Live => Provider.GetRequiredService<ILivePipelineProvider>();

    public IOpportunityStore Store => Provider.GetRequiredService<IOpportunityStore>();

    /// <summary>Starts the follower and waits until it has loaded the tenant's pipeline.</summary>
    public async Task StartAsync()
    {
        await Service.StartAsync(CancellationToken.None);
        await Live.WaitForPositionAsync(Tenant, ChangeFeedPosition.Start).WaitAsync(Guard);
    }

    /// <summary>Disposes the container without stopping the host first, as a crashed process leaves it.</summary>
    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
