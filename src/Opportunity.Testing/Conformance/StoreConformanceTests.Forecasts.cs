using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Forecast snapshots (<see cref="IForecastSnapshotStore"/>) and sales targets (<see cref="ISalesTargetStore"/>):
/// exact amounts, replacement by period and scope, scopes and tenants kept apart, ordering, typed
/// refusals, and the caller's transaction. Run when the adapter has the ports.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private static readonly ForecastPeriod ForecastQ1 = FiscalCalendar.CalendarYear.Quarter(2025, 1);
    private static readonly ForecastPeriod ForecastQ2 = FiscalCalendar.CalendarYear.Quarter(2025, 2);

    /// <summary>Every amount comes back to the minor unit (the largest 64-bit amount included), in its currency, with the categories the snapshot had and no others.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshots_SaveAndList_RoundTripExactToTheUnit()
    {
        if (Store.ForecastSnapshots is not { } store)
        {
            return;
        }

        var jpy = new CurrencyCode("JPY");
        var saved = ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, 3), 1_234_567.89m) with
        {
            Currency = CurrencyCode.USD,
            Expected = Money.FromMinorUnits(long.MaxValue, CurrencyCode.USD),
            P10 = new Money(0.01m, CurrencyCode.USD),
            P50 = new Money(-7.05m, CurrencyCode.USD),
            P90 = new Money(99_999_999_999.99m, CurrencyCode.USD),
            CommitForecast = Money.Zero(CurrencyCode.USD),
            BestCaseForecast = new Money(1_234_567.89m, CurrencyCode.USD),
            ByCategory = new Dictionary<ForecastCategory, Money> { [ForecastCategory.Commit] = new(0.07m, CurrencyCode.USD), [ForecastCategory.Closed] = new(12.5m, CurrencyCode.USD) },
        };
        var yen = ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, 10), 0m) with { Currency = jpy, Expected = new Money(1_234m, jpy), P10 = new Money(1m, jpy), P50 = new Money(2m, jpy), P90 = new Money(3m, jpy), CommitForecast = new Money(4m, jpy), BestCaseForecast = new Money(5m, jpy), ByCategory = new Dictionary<ForecastCategory, Money>() };
        await store.SaveAsync(TenantA, saved);
        await store.SaveAsync(TenantA, yen);

        var read = await store.ListAsync(TenantA, ForecastQ1);

        Assert.Equal(2, read.Count);
        AssertSameSnapshot(saved, read[0]);
        AssertSameSnapshot(yen, read[1]);
    }

    /// <summary>A second snapshot of the same period, scope and date replaces the first; the others stay; the list is oldest first whatever the order of saving.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshots_SameDateSavedAgain_ReplacesItOnlyAndListsOldestFirst()
    {
        if (Store.ForecastSnapshots is not { } store)
        {
            return;
        }

        foreach (var day in new[] { 17, 3, 10 })
        {
            await store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, day), day * 100m));
        }

        await store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, 10), 4_321.09m));
        await store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ2, new LocalDate(2025, 2, 10), 1m));

        var read = await store.ListAsync(TenantA, ForecastQ1);

        Assert.Equal([new LocalDate(2025, 2, 3), new LocalDate(2025, 2, 10), new LocalDate(2025, 2, 17)], read.Select(s => s.TakenOn));
        Assert.Equal([300m, 4_321.09m, 1_700m], read.Select(s => s.Expected.Amount));
        Assert.Equal(4_321.08m, read[1].P10.Amount);
    }

    /// <summary>Network, partner, region and partner-in-region snapshots of one date are four records, each listed only for its own scope; another tenant sees none.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshots_ScopesAndTenants_KeptApart()
    {
        if (Store.ForecastSnapshots is not { } store)
        {
            return;
        }

        var on = new LocalDate(2025, 2, 3);
        ForecastScope[] scopes = [ForecastScope.Network, new(P1), new(null, "DE-South"), new(P1, "DE-South")];
        for (var i = 0; i < scopes.Length; i++)
        {
            await store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, on, 100m + i) with { Partner = scopes[i].Partner, Region = scopes[i].Region });
        }

        for (var i = 0; i < scopes.Length; i++)
        {
            var read = Assert.Single(await store.ListAsync(TenantA, ForecastQ1, scopes[i]));
            Assert.Equal(scopes[i], ForecastScope.Of(read));
            Assert.Equal(100m + i, read.Expected.Amount);
            Assert.Empty(await store.ListAsync(TenantB, ForecastQ1, scopes[i]));
        }

        Assert.Empty(await store.ListAsync(TenantA, ForecastQ1, new ForecastScope(P2)));
    }

    /// <summary>An amount in another currency than the snapshot's, or an empty region, is refused naming the field; nothing is written.</summary>
    [ConformanceFact]
    public async Task ForecastSnapshots_UnstorableValue_RefusedNamingFieldNothingWritten()
    {
        if (Store.ForecastSnapshots is not { } store)
        {
            return;
        }

        var on = new LocalDate(2025, 2, 3);
        var mixed = await Assert.ThrowsAsync<StoreDataException>(() => store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, on, 10m) with { P90 = new Money(1m, CurrencyCode.GBP) }));
        var category = await Assert.ThrowsAsync<StoreDataException>(() => store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, on, 10m) with { ByCategory = new Dictionary<ForecastCategory, Money> { [ForecastCategory.Omitted] = new(1m, CurrencyCode.GBP) } }));
        var region = await Assert.ThrowsAsync<StoreDataException>(() => store.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, on, 10m) with { Region = string.Empty }));

        Assert.Equal("P90", mixed.Field);
        Assert.Equal("ByCategory[Omitted]", category.Field);
        Assert.Equal("Region", region.Field);
        Assert.Empty(await store.ListAsync(TenantA, ForecastQ1));
        Assert.Empty(await store.ListAsync(TenantA, ForecastQ1, new ForecastScope(null, string.Empty)));
    }

    /// <summary>A target comes back exactly; a second one of the same period and scope replaces it (amount and currency); delete removes it once.</summary>
    [ConformanceFact]
    public async Task SalesTargets_SaveFindReplaceDelete_ExactAndReplacedByPeriodAndScope()
    {
        if (Store.Targets is not { } store)
        {
            return;
        }

        var scope = new ForecastScope(P1, "FR");
        await store.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(12_345_678.91m, CurrencyCode.EUR)) { Partner = P1, Region = "FR" });
        var first = await store.FindTargetAsync(TenantA, ForecastQ1, scope);
        await store.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, Money.FromMinorUnits(long.MaxValue, CurrencyCode.USD)) { Partner = P1, Region = "FR" });
        var replaced = await store.FindTargetAsync(TenantA, ForecastQ1, scope);

        Assert.Equal(new SalesTarget(ForecastQ1, new Money(12_345_678.91m, CurrencyCode.EUR)) { Partner = P1, Region = "FR" }, first);
        Assert.Equal(new SalesTarget(ForecastQ1, Money.FromMinorUnits(long.MaxValue, CurrencyCode.USD)) { Partner = P1, Region = "FR" }, replaced);
        Assert.Single(await store.ListTargetsAsync(TenantA, ForecastQ1));
        Assert.Null(await store.FindTargetAsync(TenantA, ForecastQ1, new ForecastScope(P1)));
        Assert.Null(await store.FindTargetAsync(TenantA, ForecastQ2, scope));
        Assert.True(await store.DeleteTargetAsync(TenantA, ForecastQ1, scope));
        Assert.False(await store.DeleteTargetAsync(TenantA, ForecastQ1, scope));
        Assert.Null(await store.FindTargetAsync(TenantA, ForecastQ1, scope));
    }

    /// <summary>
    /// A period's targets list network first, then regions, then each partner followed by its targets
    /// within regions (code-point order, a character above U+FFFF after U+FFFD); another period's and
    /// another tenant's are not listed, and another tenant can neither find nor delete them.
    /// </summary>
    [ConformanceFact]
    public async Task SalesTargets_ListOfPeriod_OrderedByPartnerThenRegionTenantsApart()
    {
        if (Store.Targets is not { } store)
        {
            return;
        }

        ForecastScope[] expected = [ForecastScope.Network, new(null, "DE"), new(null, "\uFFFD"), new(null, "\U0001F600"), new(P1), new(P1, "DE"), new(P2)];
        foreach (var (scope, i) in expected.Select((s, i) => (s, i)).Reverse())
        {
            await store.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(1_000m + i, CurrencyCode.EUR)) { Partner = scope.Partner, Region = scope.Region });
        }

        await store.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ2, new Money(5m, CurrencyCode.EUR)));
        await store.SaveTargetAsync(TenantB, new SalesTarget(ForecastQ1, new Money(6m, CurrencyCode.EUR)) { Partner = P1 });

        var listed = await store.ListTargetsAsync(TenantA, ForecastQ1);

        Assert.Equal(expected, listed.Select(ForecastScope.Of));
        Assert.Equal(Enumerable.Range(0, expected.Length).Select(i => 1_000m + i), listed.Select(t => t.Amount.Amount));
        Assert.Equal(6m, Assert.Single(await store.ListTargetsAsync(TenantB, ForecastQ1)).Amount.Amount);
        Assert.Null(await store.FindTargetAsync(TenantB, ForecastQ1, new ForecastScope(P2)));
        Assert.False(await store.DeleteTargetAsync(TenantB, ForecastQ1, ForecastScope.Network));
        Assert.NotNull(await store.FindTargetAsync(TenantA, ForecastQ1, ForecastScope.Network));
    }

    /// <summary>
    /// Targets (quotas) and snapshots of forecast tree nodes (<see cref="ForecastScope.Node"/>) are
    /// records of their own beside the network's and the partners' of the same period: found, listed
    /// (network, then the nodes in code-point order, then partners) and read back with their node.
    /// </summary>
    [ConformanceFact]
    public async Task ForecastNodes_TargetsAndSnapshots_KeyedByNodeApartFromOtherScopes()
    {
        if (Store.Targets is not { } targets || Store.ForecastSnapshots is not { } snapshots)
        {
            return;
        }

        ForecastScope[] expected = [ForecastScope.Network, ForecastScope.OfNode("network/region:EMEA"), ForecastScope.OfNode("network/region:EMEA/channel_manager:anna@acme.example"), new(P1), new(P1) { Node = "network/region:EMEA" }];
        foreach (var (scope, i) in expected.Select((s, i) => (s, i)).Reverse())
        {
            await targets.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(1_000m + i, CurrencyCode.EUR)) { Partner = scope.Partner, Region = scope.Region, Node = scope.Node });
            await snapshots.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, 3), 100m + i) with { Partner = scope.Partner, Node = scope.Node });
        }

        var listed = await targets.ListTargetsAsync(TenantA, ForecastQ1);

        Assert.Equal(expected, listed.Select(ForecastScope.Of));
        Assert.Equal(1_001m, (await targets.FindTargetAsync(TenantA, ForecastQ1, expected[1]))!.Amount.Amount);
        Assert.Null(await targets.FindTargetAsync(TenantA, ForecastQ1, ForecastScope.OfNode("network")));
        for (var i = 0; i < expected.Length; i++)
        {
            var read = Assert.Single(await snapshots.ListAsync(TenantA, ForecastQ1, expected[i]));
            Assert.Equal((expected[i], 100m + i), (ForecastScope.Of(read), read.Expected.Amount));
        }

        Assert.True(await targets.DeleteTargetAsync(TenantA, ForecastQ1, expected[2]));
        Assert.Equal(4, (await targets.ListTargetsAsync(TenantA, ForecastQ1)).Count);
    }

    /// <summary>An empty node path (it would read back as "not a node") is refused naming the field; nothing is written.</summary>
    [ConformanceFact]
    public async Task ForecastNodes_EmptyNode_RefusedNamingNode()
    {
        if (Store.Targets is not { } targets || Store.ForecastSnapshots is not { } snapshots)
        {
            return;
        }

        var target = await Assert.ThrowsAsync<StoreDataException>(() => targets.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(1m, CurrencyCode.EUR)) { Node = string.Empty }));
        var snapshot = await Assert.ThrowsAsync<StoreDataException>(() => snapshots.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, new LocalDate(2025, 2, 3), 1m) with { Node = string.Empty }));

        Assert.Equal(("Node", "Node"), (target.Field, snapshot.Field));
        Assert.Empty(await targets.ListTargetsAsync(TenantA, ForecastQ1));
        Assert.Empty(await snapshots.ListAsync(TenantA, ForecastQ1));
    }

    /// <summary>An empty region (it would read back as "all regions") is refused naming the field; nothing is written.</summary>
    [ConformanceFact]
    public async Task SalesTargets_EmptyRegion_RefusedNamingRegion()
    {
        if (Store.Targets is not { } store)
        {
            return;
        }

        var refused = await Assert.ThrowsAsync<StoreDataException>(() => store.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(1m, CurrencyCode.EUR)) { Region = string.Empty }));

        Assert.Equal("Region", refused.Field);
        Assert.Empty(await store.ListTargetsAsync(TenantA, ForecastQ1));
    }

    /// <summary>In the application's transaction a target and a snapshot commit with the application's row, and roll back with it.</summary>
    [ConformanceFact]
    public async Task SalesTargets_StoreTransaction_CommitAndRollBackWithTheCallersRow()
    {
        if (Store.Caller is not { } caller || Store.Targets is not { } targets || Store.ForecastSnapshots is not { } snapshots)
        {
            return;
        }

        // A first call outside the transaction (SQLite migrates then: it cannot while the caller holds the write lock).
        Assert.Null(await targets.FindTargetAsync(TenantA, ForecastQ1));
        var on = new LocalDate(2025, 2, 3);
        foreach (var commit in new[] { false, true })
        {
            await using var connection = await caller.OpenConnection();
            await using var transaction = await connection.BeginTransactionAsync();
            await InsertOwnRowAsync(caller, transaction, $"crm-{commit}");
            using (StoreTransaction.Enlist(transaction))
            {
                await targets.SaveTargetAsync(TenantA, new SalesTarget(ForecastQ1, new Money(commit ? 2m : 1m, CurrencyCode.EUR)));
                await snapshots.SaveAsync(TenantA, ForecastSnapshotOf(ForecastQ1, on, commit ? 2m : 1m));
                Assert.Equal(commit ? 2m : 1m, (await targets.FindTargetAsync(TenantA, ForecastQ1))!.Amount.Amount);
            }

            if (commit)
            {
                await transaction.CommitAsync();
            }
            else
            {
                await transaction.RollbackAsync();
                Assert.False(await OwnRowExistsAsync(caller, "crm-False"));
                Assert.Null(await targets.FindTargetAsync(TenantA, ForecastQ1));
                Assert.Empty(await snapshots.ListAsync(TenantA, ForecastQ1));
            }
        }

        Assert.True(await OwnRowExistsAsync(caller, "crm-True"));
        Assert.Equal(2m, (await targets.FindTargetAsync(TenantA, ForecastQ1))!.Amount.Amount);
        Assert.Equal(2m, Assert.Single(await snapshots.ListAsync(TenantA, ForecastQ1)).Expected.Amount);
    }

    private static ForecastSnapshot ForecastSnapshotOf(ForecastPeriod period, LocalDate takenOn, decimal expected) => new()
    {
        Period = period,
        TakenOn = takenOn,
        Currency = CurrencyCode.EUR,
        Expected = new Money(expected, CurrencyCode.EUR),
        P10 = new Money(expected - 0.01m, CurrencyCode.EUR),
        P50 = new Money(expected, CurrencyCode.EUR),
        P90 = new Money(expected * 2m, CurrencyCode.EUR),
        CommitForecast = new Money(expected, CurrencyCode.EUR),
        BestCaseForecast = new Money(expected * 3m, CurrencyCode.EUR),
        ByCategory = ForecastStoreValues.Categories.ToDictionary(c => c, c => new Money((int)c + 0.01m, CurrencyCode.EUR)),
    };

    private static void AssertSameSnapshot(ForecastSnapshot expected, ForecastSnapshot actual)
    {
        Assert.Equal(expected with { ByCategory = actual.ByCategory }, actual);
        Assert.Equal(expected.ByCategory.OrderBy(kv => kv.Key), actual.ByCategory.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Expected.MinorUnits, actual.Expected.MinorUnits);
    }
}
