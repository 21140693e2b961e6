using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Persistence;

public sealed class InMemoryStoreTests
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));
    private readonly InMemoryStore _store = new();

    private SalesOpportunity NewDeal(string id = "O1", string partner = "p1") =>
        SalesOpportunity.Open(Tenant, new OpportunityId(id),
            new SalesOpportunityDraft(new PartnerId(partner), new Money(500m, CurrencyCode.EUR), new LocalDate(2027, 1, 31)), PipelineDefinition.Default, "u", _clock);

    [Fact]
    public async Task Update_StaleVersion_ThrowsTypedException_AndChangesNothing()
    {
        var deal = NewDeal();
        await _store.AddAsync(deal);
        var scope = AccessScope.Manufacturer(Tenant);
        var first = (await _store.FindAsync(scope, deal.Id))!;
        var second = (await _store.FindAsync(scope, deal.Id))!;

        first.MoveToStage("Proposal", "alice", _clock);
        await _store.UpdateAsync(first);
        second.MoveToStage("Negotiation", "bob", _clock);
        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => _store.UpdateAsync(second));

        Assert.Equal(1, ex.ExpectedVersion);
        Assert.Equal(2, ex.ActualVersion);
        var stored = (await _store.FindAsync(scope, deal.Id))!;
        Assert.Equal("Proposal", stored.Stage.Name);
        Assert.Equal(2, stored.Version);
        Assert.Single(second.PendingEvents); // the loser keeps its unsaved event; nothing reached the outbox
        Assert.DoesNotContain(await _store.ListPendingAsync(), m => m.Type == nameof(OpportunityStageChanged) && m.Payload.Contains("Negotiation", StringComparison.Ordinal));

        // The pairing: a legitimate later write based on the current version succeeds.
        stored.MoveToStage("Negotiation", "bob", _clock);
        await _store.UpdateAsync(stored);
        Assert.Equal(3, stored.Version);
    }

    [Fact]
    public async Task Add_Twice_ThrowsConcurrency()
    {
        await _store.AddAsync(NewDeal());
        await Assert.ThrowsAsync<ConcurrencyException>(() => _store.AddAsync(NewDeal()));
    }

    [Fact]
    public async Task Save_WritesPendingEventsToOutbox_WithStableIds()
    {
        var deal = NewDeal();
        deal.MoveToStage("Proposal", "p1", _clock);
        await _store.AddAsync(deal);
        Assert.Empty(deal.PendingEvents);
        var pending = await _store.ListPendingAsync();
        Assert.Equal(["SalesOpportunity/O1/1@acme", "SalesOpportunity/O1/2@acme"], pending.Select(m => m.Id));
        var evt = Assert.IsType<OpportunityStageChanged>(DomainEventSerializer.Deserialize(pending[1].Type, pending[1].Payload));
        Assert.Equal("Proposal", evt.To);
    }

    [Fact]
    public async Task PartnerScope_SeesOnlyOwnOpportunities_AndTenantsAreSeparate()
    {
        await _store.AddAsync(NewDeal("O1", "p1"));
        await _store.AddAsync(NewDeal("O2", "p2"));
        var other = SalesOpportunity.Open(new TenantId("globex"), new OpportunityId("O1"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(1m, CurrencyCode.EUR), new LocalDate(2027, 1, 1)), PipelineDefinition.Default, "u", _clock);
        await _store.AddAsync(other);

        var p1 = AccessScope.ForPartner(Tenant, new PartnerId("p1"));
        Assert.NotNull(await _store.FindAsync(p1, new OpportunityId("O1")));
        Assert.Null(await _store.FindAsync(p1, new OpportunityId("O2")));
        Assert.Equal(["O1"], await _store.QueryAsync(p1, OpportunityQuery.All).Select(o => o.Id.Value).ToListAsync());
        Assert.Equal(["O1", "O2"], await _store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All).Select(o => o.Id.Value).ToListAsync());
        Assert.Equal(1m, (await _store.FindAsync(AccessScope.Manufacturer(new TenantId("globex")), new OpportunityId("O1")))!.Amount.Amount);
    }

    [Fact]
    public async Task PartnerScope_SeesLeadOnlyWhileOfferedOrAccepted()
    {
        var lead = Lead.Capture(Tenant, new LeadId("L1"), new LeadDetails(), "u", _clock);
        lead.Qualify(LeadQualification.Full, "u", _clock);
        await _store.AddAsync(lead);
        var p1 = AccessScope.ForPartner(Tenant, new PartnerId("p1"));
        Assert.Null(await _store.FindAsync(p1, lead.Id));

        lead.Assign(new PartnerId("p1"), _clock.GetCurrentInstant() + Duration.FromHours(4), "r", _clock);
        await _store.UpdateAsync(lead);
        Assert.NotNull(await _store.FindAsync(p1, lead.Id));
        Assert.Null(await _store.FindAsync(AccessScope.ForPartner(Tenant, new PartnerId("p2")), lead.Id));

        lead.Reject(new PartnerId("p1"), "busy", _clock);
        await _store.UpdateAsync(lead);
        Assert.Null(await _store.FindAsync(p1, lead.Id));
    }

    [Fact]
    public async Task ClaimDue_LeasesItems_SoASecondWorkerGetsOthers()
    {
        for (var i = 0; i < 3; i++)
        {
            var lead = Lead.Capture(Tenant, new LeadId($"L{i}"), new LeadDetails(), "u", _clock);
            lead.ScheduleNextDue(_clock.GetCurrentInstant() + Duration.FromMinutes(i));
            await _store.AddAsync(lead);
        }

        ILeadStore leads = _store;
        var now = _clock.GetCurrentInstant() + Duration.FromMinutes(5);
        var a = await leads.ClaimDueAsync(new DueWorkClaim(now, 2, "host-a", Duration.FromMinutes(1)));
        var b = await leads.ClaimDueAsync(new DueWorkClaim(now, 2, "host-b", Duration.FromMinutes(1)));
        Assert.Equal(["L0", "L1"], a.Select(l => l.Id.Value));
        Assert.Equal(["L2"], b.Select(l => l.Id.Value));
        var afterLease = await leads.ClaimDueAsync(new DueWorkClaim(now + Duration.FromMinutes(2), 5, "host-b", Duration.FromMinutes(1)));
        Assert.Equal(3, afterLease.Count);
    }

    [Fact]
    public async Task Outbox_RetryDeadLetterRequeue_Lifecycle()
    {
        await _store.AddAsync(NewDeal());
        var now = _clock.GetCurrentInstant();
        var claimed = Assert.Single(await _store.ClaimAsync(new DueWorkClaim(now, 10, "d1", Duration.FromMinutes(1))));
        Assert.Empty(await _store.ClaimAsync(new DueWorkClaim(now, 10, "d2", Duration.FromMinutes(1))));
        Assert.False(await _store.CompleteAsync(claimed.Id, "d2", now));

        Assert.True(await _store.RetryLaterAsync(claimed.Id, "d1", now + Duration.FromMinutes(10), "timeout"));
        Assert.Empty(await _store.ClaimAsync(new DueWorkClaim(now + Duration.FromMinutes(9), 10, "d1", Duration.FromMinutes(1))));
        var again = Assert.Single(await _store.ClaimAsync(new DueWorkClaim(now + Duration.FromMinutes(10), 10, "d1", Duration.FromMinutes(1))));
        Assert.Equal(1, again.Attempts);

        Assert.True(await _store.DeadLetterAsync(again.Id, "d1", "550 mailbox unavailable", now));
        var dead = Assert.Single(await _store.ListDeadLettersAsync(Tenant));
        Assert.Equal("550 mailbox unavailable", dead.Reason);
        Assert.Empty(await _store.ListPendingAsync());

        Assert.True(await _store.RequeueDeadLetterAsync(again.Id, now));
        Assert.Empty(await _store.ListDeadLettersAsync());
        Assert.Single(await _store.ListPendingAsync());
    }

    [Fact]
    public async Task Enqueue_SameIdTwice_KeepsOne_EvenAfterDelivery()
    {
        var m = new OutboxMessage("n-1", Tenant, "smtp", "LeadAssigned", "{}", _clock.GetCurrentInstant());
        await _store.EnqueueAsync([m, m]);
        var claimed = Assert.Single(await _store.ClaimAsync(new DueWorkClaim(_clock.GetCurrentInstant(), 10, "d", Duration.FromMinutes(1))));
        Assert.True(await _store.CompleteAsync(claimed.Id, "d", _clock.GetCurrentInstant(), [m with { Id = "n-2" }]));
        await _store.EnqueueAsync([m]);
        Assert.Equal(["n-2"], (await _store.ListPendingAsync()).Select(x => x.Id));
    }
}
