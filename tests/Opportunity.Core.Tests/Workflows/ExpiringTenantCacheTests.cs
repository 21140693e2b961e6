using NodaTime;
using NodaTime.Testing;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Workflows;

public sealed class ExpiringTenantCacheTests
{
    private static readonly TenantId Tenant = new("t-1");

    [Fact]
    public async Task GetAsync_InvalidatedWhileBuilding_DoesNotCacheTheStaleValue()
    {
        var cache = new ExpiringTenantCache<string>(new FakeClock(Instant.FromUtc(2025, 3, 3, 9, 0)), () => Duration.FromMinutes(5));
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builds = 0;

        var inFlight = cache.GetAsync(Tenant, async (_, _) => { builds++; return await release.Task; }, CancellationToken.None);
        cache.Invalidate(Tenant); // e.g. a partner changed after the build read the directory
        release.SetResult("stale");
        Assert.Equal("stale", await inFlight);

        var next = await cache.GetAsync(Tenant, (_, _) => { builds++; return ValueTask.FromResult("fresh"); }, CancellationToken.None);

        Assert.Equal("fresh", next);
        Assert.Equal(2, builds);
    }

    [Fact]
    public async Task GetAsync_WithinMaxAge_BuildsOnce()
    {
        var cache = new ExpiringTenantCache<string>(new FakeClock(Instant.FromUtc(2025, 3, 3, 9, 0)), () => Duration.FromMinutes(5));
        var builds = 0;
        ValueTask<string> Build(TenantId tenant, CancellationToken cancellationToken)
        {
            builds++;
            return ValueTask.FromResult("v" + builds);
        }

        Assert.Equal("v1", await cache.GetAsync(Tenant, Build, CancellationToken.None));
        Assert.Equal("v1", await cache.GetAsync(Tenant, Build, CancellationToken.None));
        Assert.Equal(1, builds);
    }
}
