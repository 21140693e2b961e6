using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Issue 11, defect 4: one lead whose stored document cannot be read (a state written by a newer
    /// version) among 40 due leads of two tenants. 0.1.0 threw inside the claim and processed none. Now
    /// the other 39 are processed, the bad one is quarantined (counted in the report, listed with tenant,
    /// kind, id, reason and instant), its tenant's queries return the others, and no later run claims it.
    /// </summary>
    [ConformanceFact]
    public async Task ProcessDue_UnreadableLeadAmongFortyOfTwoTenants_ProcessesTheOthersAndQuarantinesIt()
    {
        if (Store.CorruptLead is null || Store.Quarantine is null)
        {
            return;
        }

        var now = Clock.GetCurrentInstant();
        for (var i = 0; i < 40; i++)
        {
            await AddLeadDueAt(i % 2 == 0 ? TenantA : TenantB, $"due-{i:D2}", now - Duration.FromMinutes(i));
        }

        await Store.CorruptLead(TenantA, new LeadId("due-06"));
        var workflow = ConformanceWorkflow.For(Store, Clock, "host-1", Pipelines);

        var report = await workflow.Processor.ProcessDueAsync(now);
        var again = await workflow.Processor.ProcessDueAsync(now + Duration.FromMinutes(1));

        Assert.Equal(39, report.Processed);
        Assert.Equal(1, report.Quarantined);
        Assert.Equal(0, report.Failures);
        Assert.Equal(0, again.Processed + again.Quarantined);
        var quarantined = Assert.Single(await Store.Quarantine.ListQuarantinedAsync());
        Assert.Equal((TenantA, StoredRecordKind.Lead, "due-06", now), (quarantined.Tenant, quarantined.Kind, quarantined.Id, quarantined.QuarantinedAt));
        Assert.Contains("due-06", quarantined.Reason, StringComparison.Ordinal);
        Assert.Empty(await Store.Quarantine.ListQuarantinedAsync(TenantB));
        var tenantA = await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), LeadQuery.All));
        Assert.Equal(19, tenantA.Count);
        Assert.DoesNotContain(tenantA, l => l.Id.Value == "due-06");
        Assert.All(tenantA, l => Assert.Null(l.NextDueAt));
        Assert.Equal(20, (await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantB), LeadQuery.All))).Count);
    }

    /// <summary>
    /// The claim marks the unreadable lead in its own transaction: the batch reports it, the next claim
    /// (even after every lease expired) does not return it, and releasing it makes it due again, so the
    /// next claim reads it once more (and, still unreadable, quarantines it again; listed once).
    /// </summary>
    [ConformanceFact]
    public async Task ClaimDue_UnreadableLead_QuarantinedInTheClaimAndDueAgainAfterRelease()
    {
        if (Store.CorruptLead is null || Store.Quarantine is null)
        {
            return;
        }

        var now = Clock.GetCurrentInstant();
        await AddLeadDueAt(TenantA, "a", now - Duration.FromMinutes(3));
        await AddLeadDueAt(TenantA, "b", now - Duration.FromMinutes(2));
        await AddLeadDueAt(TenantB, "c", now - Duration.FromMinutes(1));
        await Store.CorruptLead(TenantA, new LeadId("b"));
        var lease = Duration.FromMinutes(5);

        var first = await Store.Leads.ClaimDueBatchAsync(new DueWorkClaim(now, 10, "host-1", lease));
        var later = await Store.Leads.ClaimDueBatchAsync(new DueWorkClaim(now + lease, 10, "host-2", lease));
        var released = await Store.Quarantine.ReleaseAsync(TenantA, StoredRecordKind.Lead, "b");
        var releasedTwice = await Store.Quarantine.ReleaseAsync(TenantA, StoredRecordKind.Lead, "b");
        var afterRelease = await Store.Leads.ClaimDueBatchAsync(new DueWorkClaim(now + lease + lease, 10, "host-3", lease));

        Assert.Equal(["tenant-a/a", "tenant-b/c"], first.Items.Select(l => $"{l.Tenant}/{l.Id}"));
        var q1 = Assert.Single(first.Quarantined);
        Assert.Equal("tenant-a/b/Lead", $"{q1.Tenant}/{q1.Id}/{q1.Kind}");
        Assert.Equal(["tenant-a/a", "tenant-b/c"], later.Items.Select(l => $"{l.Tenant}/{l.Id}"));
        Assert.Empty(later.Quarantined);
        Assert.True(released);
        Assert.False(releasedTwice);
        Assert.Equal("b", Assert.Single(afterRelease.Quarantined).Id);
        Assert.Equal(now + lease + lease, Assert.Single(await Store.Quarantine.ListQuarantinedAsync(TenantA)).QuarantinedAt);
        Assert.Equal(["tenant-a/a", "tenant-b/c"], (await Store.Leads.ClaimDueAsync(new DueWorkClaim(now + Duration.FromDays(1), 10, "host-4", lease))).Select(l => $"{l.Tenant}/{l.Id}"));
    }

    /// <summary>
    /// A query meets an unreadable lead that no claim saw (it has no due time): it returns the others
    /// instead of failing, and the store quarantines the bad one so operators see it; duplicate lookups skip it too.
    /// </summary>
    [ConformanceFact]
    public async Task QueryAsync_UnreadableLeadWithoutDueTime_ReturnsTheOthersAndListsIt()
    {
        if (Store.CorruptLead is null || Store.Quarantine is null)
        {
            return;
        }

        foreach (var id in new[] { "a", "b", "c" })
        {
            await AddLeadDueAt(TenantA, id, null);
        }

        await Store.CorruptLead(TenantA, new LeadId("b"));

        var all = await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), LeadQuery.All));
        var captured = await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), new LeadQuery { States = [LeadState.Captured] }));
        var duplicates = await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantA), Leads.DuplicateKeys.Normalised(Details("x"))));

        Assert.Equal(["a", "c"], all.Select(l => l.Id.Value));
        Assert.Equal(["a", "c"], captured.Select(l => l.Id.Value));
        Assert.Equal(["a", "c"], duplicates.Select(l => l.Id.Value));
        var listed = Assert.Single(await Store.Quarantine.ListQuarantinedAsync(TenantA));
        Assert.Equal((StoredRecordKind.Lead, "b"), (listed.Kind, listed.Id));
    }
}
