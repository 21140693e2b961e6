using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Scheduled snapshot runs (<see cref="IForecastSnapshotRunStore"/>): one claim at a time per tenant and
/// date, a crashed host's run claimed again after its lease, the snapshots saved only with the run's
/// completion and only by the host holding it. Run when the adapter has the port.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private static readonly LocalDate RunDate = new(2025, 2, 3);
    private static readonly Instant RunAt = Instant.FromUtc(2025, 2, 3, 6, 0);
    private static readonly Duration RunLease = Duration.FromMinutes(5);

    /// <summary>
    /// Host A claims and "crashes": nobody else gets the run while A's lease runs, B gets it when it
    /// ends; A's late save is refused and writes nothing; B's saves the snapshots and completes the run,
    /// after which nobody claims it again.
    /// </summary>
    [ConformanceFact]
    public async Task ForecastSnapshotRuns_CrashBetweenClaimAndSave_TakenOnceByTheNextClaimAfterTheLease()
    {
        if (Store.ForecastSnapshotRuns is not { } runs || Store.ForecastSnapshots is not { } snapshots)
        {
            return;
        }

        var claimedByA = await runs.TryClaimRunAsync(TenantA, RunDate, "host-a", RunAt, RunLease);
        var whileLeased = await runs.TryClaimRunAsync(TenantA, RunDate, "host-b", RunAt + RunLease - Duration.FromSeconds(1), RunLease);
        var afterLease = await runs.TryClaimRunAsync(TenantA, RunDate, "host-b", RunAt + RunLease, RunLease);
        var lateSaveOfA = await runs.CompleteRunAsync(TenantA, RunDate, "host-a", [ForecastSnapshotOf(ForecastQ1, RunDate, 1m)], RunAt + RunLease + Duration.FromSeconds(1));
        var listedAfterA = await snapshots.ListAsync(TenantA, ForecastQ1);
        var saveOfB = await runs.CompleteRunAsync(TenantA, RunDate, "host-b", [ForecastSnapshotOf(ForecastQ1, RunDate, 2m), ForecastSnapshotOf(ForecastQ1, RunDate, 3m) with { Node = "network/region:EMEA" }], RunAt + RunLease + Duration.FromSeconds(2));
        var againAfterDone = await runs.TryClaimRunAsync(TenantA, RunDate, "host-c", RunAt + Duration.FromDays(1), RunLease);

        Assert.Equal((true, false, true, false, true, false), (claimedByA, whileLeased, afterLease, lateSaveOfA, saveOfB, againAfterDone));
        Assert.Empty(listedAfterA);
        Assert.Equal(2m, Assert.Single(await snapshots.ListAsync(TenantA, ForecastQ1)).Expected.Amount);
        Assert.Equal(3m, Assert.Single(await snapshots.ListAsync(TenantA, ForecastQ1, ForecastScope.OfNode("network/region:EMEA"))).Expected.Amount);
        Assert.Equal(new ForecastSnapshotRun(RunDate, "host-b", RunAt + RunLease + RunLease, 2, RunAt + RunLease + Duration.FromSeconds(2)), await runs.FindRunAsync(TenantA, RunDate));
    }

    /// <summary>Hosts claiming one run at once over the same database: exactly one wins; other dates and tenants are runs of their own.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshotRuns_ConcurrentClaims_ExactlyOneWinsPerTenantAndDate()
    {
        if (Store.ForecastSnapshotRuns is null)
        {
            return;
        }

        var hosts = await OpenHostsAsync(3);
        try
        {
            var claims = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => Task.Run(() => hosts[i % hosts.Count].ForecastSnapshotRuns!.TryClaimRunAsync(TenantA, RunDate, $"host-{i}", RunAt, RunLease))));
            var nextWeek = await Store.ForecastSnapshotRuns.TryClaimRunAsync(TenantA, RunDate.PlusWeeks(1), "host-0", RunAt, RunLease);
            var otherTenant = await Store.ForecastSnapshotRuns.TryClaimRunAsync(TenantB, RunDate, "host-0", RunAt, RunLease);

            Assert.Single(claims, claimed => claimed);
            Assert.Equal($"host-{Array.IndexOf(claims, true)}", (await Store.ForecastSnapshotRuns.FindRunAsync(TenantA, RunDate))!.Owner);
            Assert.True(nextWeek);
            Assert.True(otherTenant);
            Assert.Null(await Store.ForecastSnapshotRuns.FindRunAsync(TenantB, RunDate.PlusWeeks(1)));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    /// <summary>A snapshot that cannot be stored fails the completion naming the field: the run stays claimed and not done, no snapshot is written.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshotRuns_UnstorableSnapshot_NothingWrittenRunNotDone()
    {
        if (Store.ForecastSnapshotRuns is not { } runs || Store.ForecastSnapshots is not { } snapshots)
        {
            return;
        }

        await runs.TryClaimRunAsync(TenantA, RunDate, "host-a", RunAt, RunLease);

        var error = await Assert.ThrowsAsync<StoreDataException>(() => runs.CompleteRunAsync(TenantA, RunDate, "host-a", [ForecastSnapshotOf(ForecastQ1, RunDate, 1m), ForecastSnapshotOf(ForecastQ1, RunDate, 2m) with { P90 = new Money(1m, CurrencyCode.GBP), Node = "network/x" }], RunAt));

        Assert.Equal("P90", error.Field);
        Assert.Empty(await snapshots.ListAsync(TenantA, ForecastQ1));
        Assert.Null((await runs.FindRunAsync(TenantA, RunDate))!.CompletedAt);
    }
}
