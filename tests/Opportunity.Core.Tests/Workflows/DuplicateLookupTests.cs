using NodaTime;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Workflows;

public sealed class DuplicateLookupTests
{
    private static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);

    [Fact]
    public async Task CaptureAsync_Duplicate_IsLookedUpThroughTheStoreIndexNotAScan()
    {
        CountingLeadStore? counting = null;
        using var h = Create(Start, wrapLeads: inner => counting = new CountingLeadStore(inner));
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "ACME Heizung GmbH", email: "a@acme-heizung.de"), "sales");
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-0"), Details(company: "Other AG", email: "b@other.de", phone: null), "sales");
        counting!.Reset();

        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Acme Heizung", email: "c@elsewhere.de", phone: null), "sales");

        Assert.Equal("L-1", capture.Duplicate!.ExistingLead?.Value);
        Assert.Equal("company", capture.Duplicate.MatchedOn);
        Assert.Equal(1, counting.Lookups);
        Assert.Equal(0, counting.Queries);
    }

    [Fact]
    public async Task CaptureAsync_NoPolicyKey_DoesNotAskTheStore()
    {
        CountingLeadStore? counting = null;
        using var h = Create(Start, o => o.Duplicates = DuplicatePolicy.Default with { MatchOn = DuplicateMatchKeys.EmailDomain }, wrapLeads: inner => counting = new CountingLeadStore(inner));
        await h.Intake.CaptureAsync(Tenant, new LeadId("L-1"), Details(company: "Acme", email: "a@gmail.com"), "sales");

        var capture = await h.Intake.CaptureAsync(Tenant, new LeadId("L-2"), Details(company: "Acme", email: "b@gmail.com"), "sales");

        Assert.Null(capture.Duplicate);
        Assert.Equal(0, counting!.Lookups + counting.Queries);
    }

    /// <summary>Delegates to the in-memory store and counts scans and index lookups.</summary>
    private sealed class CountingLeadStore(ILeadStore inner) : ILeadStore
    {
        public int Queries { get; private set; }

        public int Lookups { get; private set; }

        public void Reset() => (Queries, Lookups) = (0, 0);

        public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => inner.FindAsync(scope, id, cancellationToken);

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default)
        {
            Queries++;
            return inner.QueryAsync(scope, query, cancellationToken);
        }

        public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return inner.FindDuplicateCandidatesAsync(scope, keys, cancellationToken);
        }

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => inner.UpdateAsync(lead, cancellationToken);

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => inner.ClaimDueAsync(claim, cancellationToken);
    }
}
