using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// A lead's life through every write path (add, update, conversion) reads back as its state and
    /// owner changes, each with the event's sequence, instant to the nanosecond, actor and previous
    /// value, and the opportunity of the conversion starts its own history.
    /// </summary>
    [ConformanceFact]
    public async Task FieldHistory_LeadThroughConversion_EveryStateAndOwnerChangeInOrder()
    {
        if (Store.FieldHistory is null)
        {
            return;
        }

        var t0 = Clock.GetCurrentInstant();
        var lead = NewLead(TenantA, "lead-1", Clock);
        await Store.Leads.AddAsync(lead);
        Clock.Advance(Duration.FromMinutes(5) + Duration.FromNanoseconds(123));
        var t1 = Clock.GetCurrentInstant();
        lead.Qualify(LeadQualification.Full, "alice", Clock);
        lead.Assign(P1, t1 + Duration.FromDays(2), "router", Clock);
        await Store.Leads.UpdateAsync(lead);
        Clock.Advance(Duration.FromHours(1));
        var t2 = Clock.GetCurrentInstant();
        lead.Accept(P1, Clock);
        await Store.Leads.UpdateAsync(lead);

        List<FieldChange> expected =
        [
            new(1, HistoryField.State, t0, "system", null, "Captured"),
            new(2, HistoryField.State, t1, "alice", "Captured", "Qualified"),
            new(3, HistoryField.State, t1, "router", "Qualified", "Assigned"),
            new(3, HistoryField.Owner, t1, "router", null, P1.Value),
            new(4, HistoryField.State, t2, P1.Value, "Assigned", "Accepted"),
        ];
        if (Store.Conversions is not null)
        {
            Clock.Advance(Duration.FromDays(1));
            var draft = new SalesOpportunityDraft(P1, new Money(10_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { SourceLead = lead.Id };
            var opportunity = SalesOpportunity.Open(TenantA, new OpportunityId("opp-1"), draft, PipelineDefinition.Default, "bob", Clock);
            lead.Convert(opportunity.Id, "bob", Clock);
            await Store.Conversions.ConvertAsync(lead, opportunity);
            var t3 = Clock.GetCurrentInstant();
            expected.Add(new(5, HistoryField.State, t3, "bob", "Accepted", "Converted"));
            Assert.Equal(
                [
                    new FieldChange(1, HistoryField.Owner, t3, "bob", null, P1.Value),
                    new FieldChange(1, HistoryField.Stage, t3, "bob", null, "Qualification"),
                    new FieldChange(1, HistoryField.Amount, t3, "bob", null, "10000.00 EUR"),
                    new FieldChange(1, HistoryField.CloseDate, t3, "bob", null, "2025-06-30"),
                ],
                (await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(opportunity.Id))).Changes);
        }

        var page = await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(lead.Id));
        Assert.Equal(expected, page.Changes);
        Assert.Null(page.Next);
    }

    /// <summary>An opportunity's stage, amount and close date changes keep who, when and the value before; a no-op change and an event that changes no audited field (activity) add nothing.</summary>
    [ConformanceFact]
    public async Task FieldHistory_OpportunityChanges_KeepPreviousValueActorAndInstant()
    {
        if (Store.FieldHistory is null)
        {
            return;
        }

        var opportunity = NewOpportunity(TenantA, "opp-1", P1, Clock, 10_000m);
        await Store.Opportunities.AddAsync(opportunity);
        Clock.Advance(Duration.FromDays(1));
        var t1 = Clock.GetCurrentInstant();
        opportunity.MoveToStage("Needs analysis", "carol", Clock);
        opportunity.ChangeAmount(new Money(12_500.25m, CurrencyCode.EUR), "carol", Clock);
        opportunity.ChangeAmount(new Money(12_500.25m, CurrencyCode.EUR), "carol", Clock);
        opportunity.RecordActivity("called the customer", "carol", Clock);
        await Store.Opportunities.UpdateAsync(opportunity);
        Clock.Advance(Duration.FromDays(1));
        var t2 = Clock.GetCurrentInstant();
        opportunity.ChangeExpectedClose(new LocalDate(2025, 7, 31), "dave", Clock);
        opportunity.CloseLost("budget cut", "dave", Clock);
        await Store.Opportunities.UpdateAsync(opportunity);

        var changes = (await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(opportunity.Id))).Changes;

        Assert.Equal(
            [
                new FieldChange(2, HistoryField.Stage, t1, "carol", "Qualification", "Needs analysis"),
                new FieldChange(3, HistoryField.Amount, t1, "carol", "10000.00 EUR", "12500.25 EUR"),
                new FieldChange(5, HistoryField.CloseDate, t2, "dave", "2025-06-30", "2025-07-31"),
                new FieldChange(6, HistoryField.Stage, t2, "dave", "Needs analysis", "Closed lost"),
            ],
            changes.Skip(4));
    }

    /// <summary>Pages of any size, each read after the last one's cursor, give every change once, in order; the last page has no next cursor.</summary>
    [ConformanceFact]
    public async Task FieldHistory_ReadInPages_EveryChangeOnceInOrder()
    {
        if (Store.FieldHistory is null)
        {
            return;
        }

        var opportunity = NewOpportunity(TenantA, "opp-1", P1, Clock, 1_000m);
        await Store.Opportunities.AddAsync(opportunity);
        for (var i = 1; i <= 7; i++)
        {
            Clock.Advance(Duration.FromHours(1));
            opportunity.ChangeAmount(new Money(1_000m + i, CurrencyCode.EUR), $"user-{i}", Clock);
            opportunity.ChangeExpectedClose(new LocalDate(2025, 7, i), $"user-{i}", Clock);
            await Store.Opportunities.UpdateAsync(opportunity);
        }

        var record = AuditedRecord.Of(opportunity.Id);
        var all = (await Store.FieldHistory.ReadHistoryAsync(TenantA, record, maxChanges: 1000)).Changes;
        Assert.Equal(4 + 14, all.Count);
        foreach (var size in new[] { 1, 3, 4, 18 })
        {
            var read = new List<FieldChange>();
            FieldHistoryCursor? after = null;
            var pages = 0;
            do
            {
                var page = await Store.FieldHistory.ReadHistoryAsync(TenantA, record, after, size);
                Assert.True(page.Changes.Count <= size);
                read.AddRange(page.Changes);
                after = page.Next;
                pages++;
            }
            while (after is not null);

            Assert.Equal(all, read);
            Assert.Equal((all.Count + size - 1) / size, pages);
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.FieldHistory.ReadHistoryAsync(TenantA, record, maxChanges: 0));
    }

    /// <summary>The same ids in two tenants keep separate histories; a lead and an opportunity with the same id too; an unknown record has none.</summary>
    [ConformanceFact]
    public async Task FieldHistory_SameIdInTwoTenants_EachTenantReadsOnlyItsOwn()
    {
        if (Store.FieldHistory is null)
        {
            return;
        }

        await Store.Leads.AddAsync(NewLead(TenantA, "x-1", Clock));
        var b = AssignedLead(TenantB, "x-1", P2, Clock);
        await Store.Leads.AddAsync(b);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "x-1", P1, Clock));

        Assert.Equal(["Captured"], (await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(new LeadId("x-1")))).Changes.Select(c => c.Current));
        Assert.Equal(["Captured", "Qualified", "Assigned", P2.Value], (await Store.FieldHistory.ReadHistoryAsync(TenantB, AuditedRecord.Of(new LeadId("x-1")))).Changes.Select(c => c.Current));
        Assert.Equal(4, (await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(new OpportunityId("x-1")))).Changes.Count);
        Assert.Empty((await Store.FieldHistory.ReadHistoryAsync(TenantB, AuditedRecord.Of(new OpportunityId("x-1")))).Changes);
        Assert.Empty((await Store.FieldHistory.ReadHistoryAsync(TenantA, AuditedRecord.Of(new LeadId("unknown")))).Changes);
    }

    /// <summary>A write the store refuses (stale version) or that fails before its commit (every fault point) leaves no history; the retried write records its changes once.</summary>
    [ConformanceFact]
    public async Task FieldHistory_RefusedOrFailedWrite_RecordsNothing()
    {
        if (Store.FieldHistory is null)
        {
            return;
        }

        var scope = AccessScope.Manufacturer(TenantA);
        var record = AuditedRecord.Of(new LeadId("lead-1"));
        await Store.Leads.AddAsync(NewLead(TenantA, "lead-1", Clock));
        var lead = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        var stale = (await Store.Leads.FindAsync(scope, new LeadId("lead-1")))!;
        lead.Qualify(LeadQualification.Full, "alice", Clock);
        await Store.Leads.UpdateAsync(lead);

        stale.Disqualify("spam", "bob", Clock);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.Leads.UpdateAsync(stale));
        Assert.Equal(["Captured", "Qualified"], (await Store.FieldHistory.ReadHistoryAsync(TenantA, record)).Changes.Select(c => c.Current));

        lead.Assign(P1, Clock.GetCurrentInstant() + Duration.FromDays(1), "router", Clock);
        foreach (var point in Store.FaultPoints)
        {
            Store.ArmFault!(point);
            await Assert.ThrowsAsync<InjectedFaultException>(() => Store.Leads.UpdateAsync(lead));
            Store.ArmFault(null);
            Assert.Equal(2, (await Store.FieldHistory.ReadHistoryAsync(TenantA, record)).Changes.Count);
        }

        await Store.Leads.UpdateAsync(lead);
        Assert.Equal(["Captured", "Qualified", "Assigned", P1.Value], (await Store.FieldHistory.ReadHistoryAsync(TenantA, record)).Changes.Select(c => c.Current));
    }
}
