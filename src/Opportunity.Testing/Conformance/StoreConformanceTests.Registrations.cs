using System.Collections.Concurrent;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>Two working hours of protection, no warning: due on the Monday of <see cref="ConformanceData.Start"/> at 12:00 in Berlin.</summary>
    private static LeadDistributionOptions RegistrationOptions() => new()
    {
        Registrations = DealRegistrationPolicy.Default with { ProtectionPeriod = Duration.FromHours(2), ExpiryWarning = Duration.Zero },
    };

    /// <summary>
    /// A deal registration's terms (approval deadline, escalation, protection, extensions, pending
    /// request, competing registration) and the expired state survive the store exactly, and an
    /// expired registration no longer counts toward its partner's capacity nor is visible to it.
    /// </summary>
    [ConformanceFact]
    public async Task Registrations_TermsAndExpiredStateRoundTrip()
    {
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P2));
        var workflow = ConformanceWorkflow.For(Store, Clock, "host-0", Pipelines, RegistrationOptions());
        await workflow.Registrations.RegisterDealAsync(TenantA, P1, new LeadId("r-1"), Details("Registered GmbH"));
        await workflow.Registrations.ApproveDealAsync(TenantA, new LeadId("r-1"), "channel-manager");
        await workflow.Registrations.RequestExtensionAsync(TenantA, P1, new LeadId("r-1"), "Board meets next week.");
        var competing = await workflow.Registrations.RegisterDealAsync(TenantA, P2, new LeadId("r-2"), Details("Registered GmbH"));

        var stored = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("r-1")))!;
        var terms = stored.Registration!;
        Assert.Equal("Board meets next week.", terms.PendingExtensionReason);
        Assert.Equal(Start + Duration.FromHours(2), terms.ProtectedUntil);
        Assert.Equal(Doc(stored), Doc((await Store.Leads.FindAsync(AccessScope.ForPartner(TenantA, P1), new LeadId("r-1")))!));
        var storedCompeting = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("r-2")))!;
        Assert.Equal(Doc(competing.Lead), Doc(storedCompeting));
        Assert.Equal(new LeadId("r-1"), storedCompeting.Registration!.CompetingRegistration);
        Assert.Equal(storedCompeting.Registration.ApprovalDueAt, storedCompeting.NextDueAt);

        var report = await workflow.Processor.ProcessDueAsync(Start + Duration.FromHours(2));

        Assert.Equal(1, report.RegistrationsExpired);
        var expired = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("r-1")))!;
        Assert.Equal((LeadState.RegistrationExpired, (Instant?)null, (string?)null), (expired.State, expired.NextDueAt, expired.Registration!.PendingExtensionReason));
        Assert.Equal([new LeadId("r-1")], (await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), new LeadQuery { States = [LeadState.RegistrationExpired] }))).Select(l => l.Id));
        Assert.Null(await Store.Leads.FindAsync(AccessScope.ForPartner(TenantA, P1), new LeadId("r-1")));
        await AssertLoadMatchesLeadsAsync(TenantA);
    }

    /// <summary>
    /// Several hosts process the same due registrations at once (own store instances where the adapter
    /// can open them): every overdue approval is escalated exactly once and every approved registration
    /// past its protection expires exactly once — one event each in the outbox — and nothing stays due.
    /// </summary>
    [ConformanceFact]
    public async Task Registrations_DueRegistrationsFromSeveralHosts_EscalatedAndExpiredExactlyOnce()
    {
        const int count = 12;
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        var setup = ConformanceWorkflow.For(Store, Clock, "setup", Pipelines, RegistrationOptions());
        for (var i = 0; i < count; i++)
        {
            // One registrant, so the registrations (same contact keys) do not compete with each other.
            await setup.Registrations.RegisterDealAsync(TenantA, P1, new LeadId($"approved-{i:D2}"), Details($"Approved {i}"));
            await setup.Registrations.ApproveDealAsync(TenantA, new LeadId($"approved-{i:D2}"), "channel-manager");
            await setup.Registrations.RegisterDealAsync(TenantA, P1, new LeadId($"pending-{i:D2}"), Details($"Pending {i}"));
        }

        // Three working days later (Berlin 09:00–17:00): past every approval deadline and protection.
        var now = Start + Duration.FromDays(3);
        var reports = new ConcurrentBag<DueWorkReport>();
        var hosts = await OpenHostsAsync(ConcurrentProcessors);
        try
        {
            await Task.WhenAll(hosts.Select((host, n) => Task.Run(async () =>
                reports.Add(await ConformanceWorkflow.For(host, Clock, $"host-{n}", Pipelines, RegistrationOptions()).Processor.ProcessDueAsync(now)))));
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }

        var events = (await Store.Outbox.ListPendingAsync()).Select(m => (m.Type, Lead: ((DomainEvent)DomainEventSerializer.Deserialize(m.Type, m.Payload)).AggregateId)).ToList();
        Assert.Equal(count, reports.Sum(r => r.RegistrationsExpired));
        Assert.Equal(count, reports.Sum(r => r.RegistrationEscalations));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"approved-{i:D2}"), events.Where(e => e.Type == nameof(DealRegistrationExpired)).Select(e => e.Lead).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"pending-{i:D2}"), events.Where(e => e.Type == nameof(DealRegistrationApprovalOverdue)).Select(e => e.Lead).Order(StringComparer.Ordinal));
        var leads = await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), LeadQuery.All));
        Assert.All(leads, l => Assert.Equal(l.Id.Value.StartsWith("approved", StringComparison.Ordinal) ? LeadState.RegistrationExpired : LeadState.PendingApproval, l.State));
        Assert.Empty(await Store.Leads.ClaimDueAsync(new DueWorkClaim(now + Duration.FromDays(365), 100, "check", Duration.FromMinutes(1))));
        await AssertLoadMatchesLeadsAsync(TenantA);
    }
}
