using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>A saved opportunity reads back with amount, close date, override, history and every other field intact.</summary>
    [ConformanceFact]
    public async Task Opportunity_AddUpdateFind_RoundTripsEverySnapshotField()
    {
        var opportunity = NewOpportunity(TenantA, "opp-1", P1, Clock, 12_345.67m);
        await Store.Opportunities.AddAsync(opportunity);
        Clock.AdvanceHours(3);
        opportunity.MoveToStage("Proposal", "alice", Clock);
        opportunity.OverrideProbability(Probability.FromBasisPoints(6_125), "alice", Clock);
        opportunity.ChangeExpectedClose(new LocalDate(2025, 9, 30), "alice", Clock);
        opportunity.ScheduleNextDue(Clock.GetCurrentInstant() + Duration.FromDays(7));
        await Store.Opportunities.UpdateAsync(opportunity);

        var found = await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), opportunity.Id);

        Assert.NotNull(found);
        Assert.Equal(2, found.Version);
        Assert.Equal(new Money(12_345.67m, CurrencyCode.EUR), found.Amount);
        Assert.Equal(Probability.FromBasisPoints(6_125), found.Probability);
        Assert.Equal(2, found.History.Count);
        Assert.Equal(Doc(opportunity), Doc(found));
    }

    /// <summary>Queries filter open/closed and by partner, ordered by id; closing and reopening move a deal between the two.</summary>
    [ConformanceFact]
    public async Task Opportunity_Query_FiltersOpenClosedAndPartnerOrderedById()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "o-3", P1, Clock));
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "o-1", P2, Clock));
        var won = NewOpportunity(TenantA, "o-2", P1, Clock);
        won.CloseWon("signed", "alice", Clock);
        await Store.Opportunities.AddAsync(won);

        var open = await ToListAsync(Store.Opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = true }));
        var closed = await ToListAsync(Store.Opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = false }));
        var ofP1 = await ToListAsync(Store.Opportunities.QueryAsync(scope, new OpportunityQuery { Partner = P1 }));

        Assert.Equal(["o-1", "o-3"], open.Select(o => o.Id.Value));
        Assert.Equal(["o-2"], closed.Select(o => o.Id.Value));
        Assert.Equal(["o-2", "o-3"], ofP1.Select(o => o.Id.Value));

        won = (await Store.Opportunities.FindAsync(scope, won.Id))!;
        won.Reopen("Negotiation", "customer came back", "alice", Clock);
        await Store.Opportunities.UpdateAsync(won);
        open = await ToListAsync(Store.Opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = true }));
        Assert.Equal(["o-1", "o-2", "o-3"], open.Select(o => o.Id.Value));
    }

    /// <summary>A stale opportunity write is refused with the typed exception; the winner's amount stands; a fresh write succeeds.</summary>
    [ConformanceFact]
    public async Task Opportunity_UpdateWithStaleVersion_ThrowsAndWinnerStands()
    {
        var scope = AccessScope.Manufacturer(TenantA);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "opp-1", P1, Clock, 100m));
        var first = (await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-1")))!;
        var second = (await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-1")))!;

        first.ChangeAmount(new Money(200m, CurrencyCode.EUR), "alice", Clock);
        await Store.Opportunities.UpdateAsync(first);
        second.ChangeAmount(new Money(300m, CurrencyCode.EUR), "bob", Clock);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Opportunities.UpdateAsync(second));

        var stored = (await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-1")))!;
        Assert.Equal(200m, stored.Amount.Amount);
        stored.ChangeAmount(new Money(400m, CurrencyCode.EUR), "bob", Clock);
        await Store.Opportunities.UpdateAsync(stored);
        Assert.Equal(400m, (await Store.Opportunities.FindAsync(scope, new OpportunityId("opp-1")))!.Amount.Amount);
    }

    /// <summary>Adding an existing opportunity id throws the typed exception.</summary>
    [ConformanceFact]
    public async Task Opportunity_AddExistingId_ThrowsConcurrency()
    {
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "opp-1", P1, Clock, 100m));

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Opportunities.AddAsync(NewOpportunity(TenantA, "opp-1", P2, Clock, 999m)));

        Assert.Equal(100m, (await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), new OpportunityId("opp-1")))!.Amount.Amount);
    }

    /// <summary>Amounts are exact: minor units of 0-, 2- and 3-digit currencies and large values survive unchanged.</summary>
    [ConformanceFact]
    public async Task Opportunity_Amounts_AreStoredExactly()
    {
        var amounts = new[] { new Money(0.01m, CurrencyCode.EUR), new Money(123_456_789_012.34m, CurrencyCode.USD), new Money(1_234_567m, CurrencyCode.JPY), new Money(1.005m, new CurrencyCode("KWD")) };
        for (var i = 0; i < amounts.Length; i++)
        {
            await Store.Opportunities.AddAsync(SalesOpportunity.Open(
                TenantA, new OpportunityId($"money-{i}"), new SalesOpportunityDraft(P1, amounts[i], new LocalDate(2025, 1, 31)), PipelineDefinition.Default, "system", Clock));
        }

        for (var i = 0; i < amounts.Length; i++)
        {
            var found = await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), new OpportunityId($"money-{i}"));
            Assert.Equal(amounts[i], found!.Amount);
        }
    }

    /// <summary>Partners round-trip with territories, sets and their business calendar (zone, hours, holidays); upsert replaces.</summary>
    [ConformanceFact]
    public async Task Partner_UpsertFindList_RoundTripsAndReplaces()
    {
        var partner = NewPartner(TenantA, P2);
        await Store.Partners.UpsertAsync(partner);
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        await Store.Partners.UpsertAsync(NewPartner(TenantB, P1));

        var found = await Store.Partners.FindAsync(TenantA, P2);
        Assert.NotNull(found);
        Assert.Equal(Doc(partner), Doc(found));
        Assert.Equal("Europe/Berlin", found.Calendar.Zone.Id);
        Assert.Contains("SOLAR", found.ProductLines);

        await Store.Partners.UpsertAsync(partner with { Name = "Renamed", IsActive = false, Capacity = null });
        var listed = await ToListAsync(Store.Partners.ListAsync(TenantA));
        Assert.Equal([P1, P2], listed.Select(p => p.Id));
        Assert.Equal("Renamed", listed[1].Name);
        Assert.False(listed[1].IsActive);
        Assert.Null(listed[1].Capacity);
        Assert.Null(await Store.Partners.FindAsync(TenantB, P2));
    }
}
