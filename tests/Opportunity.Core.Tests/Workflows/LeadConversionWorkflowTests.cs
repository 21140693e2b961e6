using NodaTime;
using NodaTime.Testing;
using Opportunity.Persistence.InMemory;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

/// <summary>Lead → opportunity conversion through <see cref="Opportunity.Workflows.PartnerLeadService"/>: exactly one opportunity per lead.</summary>
public sealed class LeadConversionWorkflowTests
{
    private static readonly Instant Tuesday10 = Instant.FromUtc(2025, 3, 4, 10, 0);
    private static readonly PartnerId Pa = new("P-a");
    private static readonly LeadId L1 = new("L-1");
    private static readonly LocalDate Close = new(2025, 6, 30);

    [Fact]
    public async Task ConvertAsync_RetriedWithNewOpportunityId_ReturnsTheFirstOpportunity()
    {
        using var h = await AcceptedAsync();

        var first = await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-1"), Close);
        var retry = await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-2"), Close);

        Assert.Equal("O-1", first.Id.Value);
        Assert.Equal("O-1", retry.Id.Value);
        Assert.Equal(["O-1"], await OpportunityIdsAsync(h));
        Assert.Single(await h.EventsAsync<LeadConverted>());
    }

    [Fact]
    public async Task ConvertAsync_TwoCallersAtOnceWithDifferentIds_BothGetTheOneOpportunity()
    {
        using var h = await AcceptedAsync();

        var results = await Task.WhenAll(
            Task.Run(() => h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-a"), Close)),
            Task.Run(() => h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-b"), Close)));

        Assert.Equal(results[0].Id, results[1].Id);
        Assert.Equal([results[0].Id.Value], await OpportunityIdsAsync(h));
        Assert.Equal(results[0].Id, (await h.LeadAsync("L-1")).ConvertedTo);
    }

    /// <summary>
    /// Another host converts the lead after this call read it and before it looks for an opportunity of
    /// the lead: the call finds that opportunity with a stale copy of the lead, and returns it instead of
    /// failing on the stale copy's version (0.3.0 before this fix threw <see cref="ConcurrencyException"/>).
    /// </summary>
    [Fact]
    public async Task ConvertAsync_AnotherHostConvertsBetweenReadAndLookup_ReturnsItsOpportunity()
    {
        var store = new InMemoryStore();
        var clock = new FakeClock(Tuesday10);
        using var rival = Create(Tuesday10, RoundRobin, store: store, clock: clock, host: "host-b");
        using var h = Create(Tuesday10, RoundRobin, store: store, clock: clock,
            wrapLeads: inner => new RaceAfterFirstRead(inner, () => rival.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-rival"), Close)));
        await rival.AddPartnersAsync(Partner("P-a"));
        await rival.CaptureAndQualifyAsync("L-1");
        await rival.PartnerLeads.AcceptAsync(Tenant, Pa, L1);

        var converted = await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-mine"), Close);

        Assert.Equal("O-rival", converted.Id.Value);
        Assert.Equal(["O-rival"], await OpportunityIdsAsync(h));
        Assert.Equal((LeadState.Converted, "O-rival"), ((await h.LeadAsync("L-1")).State, (await h.LeadAsync("L-1")).ConvertedTo!.Value.Value));
    }

    [Fact]
    public async Task ConvertAsync_OrphanLeftBy010_RetryAdoptsItInsteadOfOpeningASecondDeal()
    {
        using var h = await AcceptedAsync();
        // 0.1.0 committed the opportunity, then crashed before saving the lead.
        var orphan = SalesOpportunity.Open(
            Tenant, new OpportunityId("O-orphan"), new SalesOpportunityDraft(Pa, new Money(12_000m, CurrencyCode.EUR), Close) { SourceLead = L1 }, PipelineDefinition.Default, Pa.Value, h.Clock);
        await h.Store.AddAsync(orphan);

        var converted = await h.PartnerLeads.ConvertAsync(Tenant, Pa, L1, new OpportunityId("O-new"), Close);

        Assert.Equal("O-orphan", converted.Id.Value);
        Assert.Equal(["O-orphan"], await OpportunityIdsAsync(h));
        var lead = await h.LeadAsync("L-1");
        Assert.Equal(LeadState.Converted, lead.State);
        Assert.Equal("O-orphan", lead.ConvertedTo!.Value.Value);
    }

    [Fact]
    public async Task ConvertAsync_ByAnotherPartner_IsRefusedAndWritesNothing()
    {
        using var h = await AcceptedAsync();
        await h.AddPartnersAsync(Partner("P-b"));

        var ex = await Assert.ThrowsAsync<AccessDeniedException>(() => h.PartnerLeads.ConvertAsync(Tenant, new PartnerId("P-b"), L1, new OpportunityId("O-1"), Close));
        Assert.Equal(OpportunityErrorCodes.PartnerNotAssigned, ex.ErrorCode);

        Assert.Empty(await OpportunityIdsAsync(h));
        Assert.Equal(LeadState.Accepted, (await h.LeadAsync("L-1")).State);
    }

    private static void RoundRobin(Opportunity.Workflows.LeadDistributionOptions o) =>
        o.RuleSet = RoutingRuleSet.Create("rr").InTerritory().SellingProductLine().WithinCapacity().PickRoundRobin().Build();

    private static async Task<DistributionHarness> AcceptedAsync()
    {
        var h = Create(Tuesday10, RoundRobin);
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, Pa, L1);
        return h;
    }

    private static async Task<List<string>> OpportunityIdsAsync(DistributionHarness h)
    {
        var ids = new List<string>();
        await foreach (var o in h.Store.QueryAsync(AccessScope.Manufacturer(Tenant), OpportunityQuery.All))
        {
            ids.Add(o.Id.Value);
        }

        return ids;
    }

    /// <summary>Runs <paramref name="race"/> once, right after the first read of a lead returned: what the caller holds is then stale.</summary>
    private sealed class RaceAfterFirstRead(ILeadStore inner, Func<Task> race) : ILeadStore
    {
        private Func<Task>? _race = race;

        public async Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
        {
            var lead = await inner.FindAsync(scope, id, cancellationToken);
            if (Interlocked.Exchange(ref _race, null) is { } race)
            {
                await race();
            }

            return lead;
        }

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(scope, query, cancellationToken);

        public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default) => inner.FindDuplicateCandidatesAsync(scope, keys, cancellationToken);

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => inner.UpdateAsync(lead, cancellationToken);

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => inner.ClaimDueAsync(claim, cancellationToken);
    }
}
