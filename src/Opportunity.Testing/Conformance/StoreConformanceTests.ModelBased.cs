using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>How many random operations one model-based run applies. Default 150.</summary>
    protected virtual int ModelSteps => 150;

    /// <summary>The seeds of the model-based runs, one fresh store each. Default 1 to 5.</summary>
    protected virtual IReadOnlyList<int> ModelSeeds => [1, 2, 3, 4, 5];

    /// <summary>
    /// Model-based test: a seeded random sequence of operations on every port (captures and lead
    /// moves, opening and changing deals, stale writes, partner upserts, claims by several
    /// owners, outbox enqueue/claim/complete/retry/dead-letter/requeue, imports) is applied to the
    /// adapter and to <see cref="InMemoryStore"/>. Every operation must have the same outcome on
    /// both, and every few steps all observable state — each scope's leads and opportunities,
    /// partners, pending outbox, dead letters — must be identical. A failure names the seed and
    /// the operations so far.
    /// </summary>
    [ConformanceFact]
    public async Task ModelBased_RandomOperationSequences_MatchInMemoryModel()
    {
        for (var run = 0; run < ModelSeeds.Count; run++)
        {
            if (run > 0)
            {
                await ResetStoreAsync();
            }

            await RunModelAsync(ModelSeeds[run]);
        }
    }

    private async Task RunModelAsync(int seed)
    {
        var model = StoreUnderTest.For(new InMemoryStore(Pipelines));
        var random = new Random(seed);
        var log = new List<string>();
        for (var step = 0; step < ModelSteps; step++)
        {
            Clock.Advance(Duration.FromMinutes(random.Next(0, 120)));
            var operation = await ApplyRandomOperationAsync(random, model, Store);
            log.Add($"{step}: {operation}");
            if (step % 10 == 9 || step == ModelSteps - 1)
            {
                await AssertSameObservableStateAsync(model, Store, $"seed {seed} after:\n{string.Join("\n", log.TakeLast(12))}");
            }
        }
    }

    private async Task<string> ApplyRandomOperationAsync(Random random, StoreUnderTest model, StoreUnderTest adapter)
    {
        var tenant = random.Next(2) == 0 ? TenantA : TenantB;
        var partner = random.Next(2) == 0 ? P1 : P2;
        var leadId = $"lead-{random.Next(6)}";
        var opportunityId = $"opp-{random.Next(6)}";
        var owner = $"host-{random.Next(3)}";
        var now = Clock.GetCurrentInstant();
        var lease = Duration.FromMinutes(random.Next(1, 90));
        switch (random.Next(14))
        {
            case 0:
                return await Same(
                    $"capture {tenant}/{leadId}",
                    s => s.Leads.AddAsync(NewLead(tenant, leadId, Clock)));
            case 1:
            case 2:
                {
                    var move = random.Next(9);
                    var due = random.Next(3) == 0 ? (Instant?)null : now + Duration.FromMinutes(random.Next(-60, 240));
                    var deadline = now + Duration.FromHours(random.Next(1, 48));
                    return await SameOnLead($"lead move {move} {tenant}/{leadId}", tenant, leadId, lead =>
                    {
                        switch (move)
                        {
                            case 0: lead.Qualify(LeadQualification.Full, "system", Clock); break;
                            case 1: lead.Assign(partner, deadline, "router", Clock); break;
                            case 2: lead.Accept(lead.AssignedPartner ?? partner, Clock); break;
                            case 3: lead.Reject(lead.AssignedPartner ?? partner, "no capacity", Clock); break;
                            case 4: lead.Recall("system", Clock); break;
                            case 5: lead.MarkUnroutable("no partner", "system", Clock); break;
                            case 6: lead.Disqualify("spam", "system", Clock); break;
                            case 7: lead.Convert(new OpportunityId(opportunityId), "system", Clock); break;
                            default: lead.ScheduleNextDue(due); break;
                        }
                    });
                }

            case 3:
                return await Same($"stale lead write {tenant}/{leadId}", async s =>
                {
                    var scope = AccessScope.Manufacturer(tenant);
                    var fresh = await s.Leads.FindAsync(scope, new LeadId(leadId));
                    var stale = await s.Leads.FindAsync(scope, new LeadId(leadId));
                    if (fresh is null || stale is null)
                    {
                        return;
                    }

                    fresh.ScheduleNextDue(now + Duration.FromMinutes(30));
                    await s.Leads.UpdateAsync(fresh);
                    stale.ScheduleNextDue(now + Duration.FromMinutes(45));
                    await s.Leads.UpdateAsync(stale);
                });
            case 4:
                {
                    var amount = random.Next(0, 1_000_000) / 100m;
                    return await Same(
                        $"open {tenant}/{opportunityId} for {partner}",
                        s => s.Opportunities.AddAsync(NewOpportunity(tenant, opportunityId, partner, Clock, amount)));
                }

            case 5:
            case 6:
                {
                    var move = random.Next(7);
                    var stage = PipelineDefinition.Default.OpenStages[random.Next(PipelineDefinition.Default.OpenStages.Count)].Name;
                    var amount = new Money(random.Next(0, 1_000_000) / 100m, CurrencyCode.EUR);
                    var probability = Probability.FromBasisPoints(random.Next(0, 10_001));
                    var due = random.Next(3) == 0 ? (Instant?)null : now + Duration.FromMinutes(random.Next(-60, 240));
                    return await SameOnOpportunity($"opportunity move {move} {tenant}/{opportunityId}", tenant, opportunityId, o =>
                    {
                        switch (move)
                        {
                            case 0: o.MoveToStage(stage, "alice", Clock); break;
                            case 1: o.ChangeAmount(amount, "alice", Clock); break;
                            case 2: o.OverrideProbability(probability, "alice", Clock); break;
                            case 3: o.CloseWon("signed", "alice", Clock); break;
                            case 4: o.CloseLost("price", "alice", Clock); break;
                            case 5: o.Reopen(stage, "back", "alice", Clock); break;
                            default: o.ScheduleNextDue(due); break;
                        }
                    });
                }

            case 7:
                {
                    var active = random.Next(2) == 0;
                    var name = $"{partner} v{random.Next(3)}";
                    return await Same($"upsert partner {tenant}/{partner}", s => s.Partners.UpsertAsync(NewPartner(tenant, partner, name) with { IsActive = active }));
                }

            case 8:
                {
                    var claim = new DueWorkClaim(now, random.Next(1, 5), owner, lease);
                    var expected = (await model.Leads.ClaimDueAsync(claim)).Select(Doc).ToList();
                    var actual = (await adapter.Leads.ClaimDueAsync(claim)).Select(Doc).ToList();
                    Assert.Equal(expected, actual);
                    return $"claim leads by {owner}: {expected.Count}";
                }

            case 9:
                {
                    var claim = new DueWorkClaim(now, random.Next(1, 5), owner, lease);
                    var expected = (await model.Opportunities.ClaimDueAsync(claim)).Select(Doc).ToList();
                    var actual = (await adapter.Opportunities.ClaimDueAsync(claim)).Select(Doc).ToList();
                    Assert.Equal(expected, actual);
                    return $"claim opportunities by {owner}: {expected.Count}";
                }

            case 10:
                {
                    var messages = Enumerable.Range(0, random.Next(1, 4))
                        .Select(_ => Message($"msg-{random.Next(12)}", random.Next(2) == 0 ? TenantA : TenantB, now - Duration.FromMinutes(random.Next(0, 30))))
                        .ToList();
                    return await Same($"enqueue {string.Join(",", messages.Select(m => m.Id))}", s => s.Outbox.EnqueueAsync(messages));
                }

            case 11:
                {
                    var claim = new DueWorkClaim(now, random.Next(1, 5), owner, lease);
                    var expected = (await model.Outbox.ClaimAsync(claim)).Select(Doc).ToList();
                    var actual = (await adapter.Outbox.ClaimAsync(claim)).Select(Doc).ToList();
                    Assert.Equal(expected, actual);
                    return $"claim outbox by {owner}: {expected.Count}";
                }

            case 12:
                {
                    var id = $"msg-{random.Next(12)}";
                    var what = random.Next(4);
                    IEnumerable<OutboxMessage>? followUps = random.Next(2) == 0 ? [Message($"follow-{random.Next(6)}", tenant, now)] : null;
                    Func<StoreUnderTest, Task<bool>> act = what switch
                    {
                        0 => s => s.Outbox.CompleteAsync(id, owner, now, followUps),
                        1 => s => s.Outbox.RetryLaterAsync(id, owner, now + Duration.FromMinutes(15), "451 later"),
                        2 => s => s.Outbox.DeadLetterAsync(id, owner, "550 rejected", now),
                        _ => s => s.Outbox.RequeueDeadLetterAsync(id, now),
                    };
                    var expected = await act(model);
                    var actual = await act(adapter);
                    Assert.True(expected == actual, $"outbox action {what} on {id} by {owner}: model {expected}, adapter {actual}");
                    return $"outbox action {what} on {id} by {owner}: {expected}";
                }

            default:
                {
                    if (adapter.Importer is null)
                    {
                        return "import skipped";
                    }

                    var rows = Enumerable.Range(0, random.Next(1, 4))
                        .Select(_ => NewOpportunity(tenant, $"opp-{random.Next(8)}", partner, Clock).ToSnapshot() with { Amount = new Money(random.Next(-2, 1000), CurrencyCode.EUR) })
                        .ToList();
                    var expected = await model.Importer!.ImportAsync(rows);
                    var actual = await adapter.Importer.ImportAsync(rows);
                    Assert.Equal(expected.Errors.Select(e => e.ToString()), actual.Errors.Select(e => e.ToString()));
                    return $"import {rows.Count}: {expected.IsValid}";
                }
        }

        async Task<string> Same(string description, Func<StoreUnderTest, Task> act)
        {
            var expected = await Outcome(() => act(model));
            var actual = await Outcome(() => act(adapter));
            Assert.True(expected == actual, $"{description}: model {expected}, adapter {actual}");
            return $"{description}: {expected}";
        }

        async Task<string> SameOnLead(string description, TenantId t, string id, Action<Lead> change) =>
            await Same(description, async s =>
            {
                var lead = await s.Leads.FindAsync(AccessScope.Manufacturer(t), new LeadId(id));
                if (lead is not null && Try(() => change(lead)))
                {
                    await s.Leads.UpdateAsync(lead);
                }
            });

        async Task<string> SameOnOpportunity(string description, TenantId t, string id, Action<SalesOpportunity> change) =>
            await Same(description, async s =>
            {
                var o = await s.Opportunities.FindAsync(AccessScope.Manufacturer(t), new OpportunityId(id));
                if (o is not null && Try(() => change(o)))
                {
                    await s.Opportunities.UpdateAsync(o);
                }
            });
    }

    private static bool Try(Action change)
    {
        try
        {
            change();
            return true;
        }
        catch (Exception ex) when (ex is DomainRuleException or InvalidInputException or AccessDeniedException or ArgumentException)
        {
            return false;
        }
    }

    private static async Task<string> Outcome(Func<Task> act)
    {
        try
        {
            await act();
            return "ok";
        }
        catch (ConcurrencyException)
        {
            return "concurrency";
        }
    }

    private static async Task AssertSameObservableStateAsync(StoreUnderTest model, StoreUnderTest adapter, string context)
    {
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            foreach (var scope in new[] { AccessScope.Manufacturer(tenant), AccessScope.ForPartner(tenant, P1), AccessScope.ForPartner(tenant, P2) })
            {
                Assert.True(
                    (await ToListAsync(model.Leads.QueryAsync(scope, LeadQuery.All))).Select(Doc).SequenceEqual((await ToListAsync(adapter.Leads.QueryAsync(scope, LeadQuery.All))).Select(Doc)),
                    $"Leads of {scope} differ; {context}");
                Assert.True(
                    (await ToListAsync(model.Opportunities.QueryAsync(scope, OpportunityQuery.All))).Select(Doc).SequenceEqual((await ToListAsync(adapter.Opportunities.QueryAsync(scope, OpportunityQuery.All))).Select(Doc)),
                    $"Opportunities of {scope} differ; {context}");
                Assert.True(
                    (await ToListAsync(model.Opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = false }))).Select(Doc).SequenceEqual((await ToListAsync(adapter.Opportunities.QueryAsync(scope, new OpportunityQuery { IsOpen = false }))).Select(Doc)),
                    $"Closed opportunities of {scope} differ; {context}");
            }

            Assert.True(
                (await ToListAsync(model.Partners.ListAsync(tenant))).Select(Doc).SequenceEqual((await ToListAsync(adapter.Partners.ListAsync(tenant))).Select(Doc)),
                $"Partners of {tenant} differ; {context}");
        }

        Assert.Equal((await model.Outbox.ListPendingAsync()).Select(Doc), (await adapter.Outbox.ListPendingAsync()).Select(Doc));
        Assert.Equal((await model.Outbox.ListDeadLettersAsync()).Select(Doc), (await adapter.Outbox.ListDeadLettersAsync()).Select(Doc));
    }
}
