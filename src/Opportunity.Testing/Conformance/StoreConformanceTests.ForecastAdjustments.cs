using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Persistence.Forecasts;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Forecast adjustments (<see cref="IForecastAdjustmentStore"/>): an append-only who/when/why history
/// per node, period and category, in the order it takes effect, tenants apart, read by the roll-up
/// with the latest in effect. Run when the adapter has the port.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private const string EmeaNode = "network/region:EMEA";
    private static readonly Instant AdjustedAt = Instant.FromUtc(2025, 2, 3, 9, 0);

    /// <summary>
    /// Every adjustment is kept, none replaced: who, when (to the nanosecond), why and the exact amount
    /// (the largest 64-bit one included) come back, and a clearing one without an amount; listed by time
    /// whatever the order of adding, ties in the order added; per node when asked.
    /// </summary>
    [ConformanceFact]
    public async Task ForecastAdjustments_AddAndList_FullHistoryByTimeThenOrderAdded()
    {
        if (Store.ForecastAdjustments is not { } store)
        {
            return;
        }

        var later = new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, Money.FromMinorUnits(long.MaxValue, CurrencyCode.EUR), "bob@acme.example", AdjustedAt + Duration.FromNanoseconds(1), "Largest figure");
        var first = new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(1_234.56m, CurrencyCode.EUR), "anna@acme.example", AdjustedAt, "Deal slipped in from Q2");
        var tie = new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, null, "carl@acme.example", AdjustedAt, "Override removed");
        var other = new ForecastAdjustment($"{EmeaNode}/partner:P1", ForecastQ1, ForecastCategory.BestCase, new Money(0.01m, CurrencyCode.USD), "anna@acme.example", AdjustedAt - Duration.FromDays(1), "Partner call");
        foreach (var adjustment in new[] { later, first, tie, other })
        {
            await store.AddAdjustmentAsync(TenantA, adjustment);
        }

        var nextQuarter = new ForecastAdjustment(EmeaNode, ForecastQ2, ForecastCategory.Commit, new Money(1_234.56m, CurrencyCode.EUR), "anna@acme.example", AdjustedAt, "Deal slipped in from Q2");
        await store.AddAdjustmentAsync(TenantA, nextQuarter);

        var all = await store.ListAdjustmentsAsync(TenantA, ForecastQ1);
        var emea = await store.ListAdjustmentsAsync(TenantA, ForecastQ1, EmeaNode);

        Assert.Equal([other, first, tie, later], all);
        Assert.Equal([first, tie, later], emea);
        Assert.Equal(nextQuarter, Assert.Single(await store.ListAdjustmentsAsync(TenantA, ForecastQ2)));
    }

    /// <summary>Another tenant sees none of a tenant's adjustments, and its own don't mix in.</summary>
    [ConformanceFact]
    public async Task ForecastAdjustments_OtherTenant_SeesNone()
    {
        if (Store.ForecastAdjustments is not { } store)
        {
            return;
        }

        var a = new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(10m, CurrencyCode.EUR), "anna@acme.example", AdjustedAt, "A's view");
        var b = new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(20m, CurrencyCode.EUR), "anna@acme.example", AdjustedAt, "B's view");
        await store.AddAdjustmentAsync(TenantA, a);
        await store.AddAdjustmentAsync(TenantB, b);

        Assert.Equal([a], await store.ListAdjustmentsAsync(TenantA, ForecastQ1));
        Assert.Equal([b], await store.ListAdjustmentsAsync(TenantB, ForecastQ1, EmeaNode));
        Assert.Empty(await store.ListAdjustmentsAsync(new TenantId("tenant-c"), ForecastQ1));
    }

    /// <summary>A text with U+0000 is refused naming the field; nothing is written.</summary>
    [ConformanceFact]
    public async Task ForecastAdjustments_UnstorableValue_RefusedNamingFieldNothingWritten()
    {
        if (Store.ForecastAdjustments is not { } store)
        {
            return;
        }

        ForecastAdjustment Of(string by, string reason) => new(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(10m, CurrencyCode.EUR), by, AdjustedAt, reason);

        var reason = await Assert.ThrowsAsync<StoreDataException>(() => store.AddAdjustmentAsync(TenantA, Of("anna@acme.example", "a\0b")));
        var by = await Assert.ThrowsAsync<StoreDataException>(() => store.AddAdjustmentAsync(TenantA, Of("\0", "Why")));

        Assert.Equal(("Reason", nameof(ForecastAdjustment)), (reason.Field, reason.Entity));
        Assert.Equal("By", by.Field);
        Assert.Empty(await store.ListAdjustmentsAsync(TenantA, ForecastQ1));
    }

    /// <summary>
    /// The roll-up with the stored adjustments puts the latest per node and category in effect (an older
    /// one added later does not win), and a later clearing one restores the deals' figure; another tenant's roll-up has none.
    /// </summary>
    [ConformanceFact]
    public async Task ForecastAdjustments_ComputeRollup_LatestWinsAndClearingRestores()
    {
        if (Store.ForecastAdjustments is not { } store)
        {
            return;
        }

        var snapshot = PipelineSnapshot.FromRows([new PipelineRow(P1, new Money(500m, CurrencyCode.EUR), "Negotiation", Probability.FromPercent(60), ForecastCategory.Commit, new LocalDate(2025, 2, 1)) { Region = "EMEA" }]);
        var hierarchy = new ForecastHierarchy([ForecastHierarchyLevel.Region], []);
        async Task<decimal> EmeaCommit(TenantId tenant)
        {
            var rollup = await store.ComputeRollupAsync(tenant, snapshot, hierarchy, ForecastQ1, CurrencyCode.EUR);
            return rollup[EmeaNode].Forecast[ForecastCategory.Commit].Amount;
        }

        var unadjusted = await EmeaCommit(TenantA);
        await store.AddAdjustmentAsync(TenantA, new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(800m, CurrencyCode.EUR), "anna@acme.example", AdjustedAt, "Upside"));
        await store.AddAdjustmentAsync(TenantA, new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, new Money(100m, CurrencyCode.EUR), "bob@acme.example", AdjustedAt - Duration.FromHours(1), "Older, added late"));
        var adjusted = await EmeaCommit(TenantA);
        await store.AddAdjustmentAsync(TenantA, new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, null, "anna@acme.example", AdjustedAt + Duration.FromHours(1), "Back to the deals"));
        var cleared = await EmeaCommit(TenantA);

        Assert.Equal((500m, 800m, 500m), (unadjusted, adjusted, cleared));
        Assert.Equal(500m, await EmeaCommit(TenantB));
    }
}
