using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using Opportunity.Workflows;

namespace Opportunity.Core.Tests.Persistence;

public sealed class InMemoryStoreDuplicateIndexTests
{
    private static readonly TenantId[] Tenants = [new("t1"), new("t2")];
    private static readonly string?[] Companies = [null, "Acme GmbH", "ACME", "Beta & Co. KG", "beta", "Gamma Ltd", "Ölbau AG", "Oelbau"];
    private static readonly string?[] Emails = [null, "a@acme.de", "b@ACME.de", "c@gmail.com", "d@beta.com", "no-at-sign", "e@sales.acme.de"];
    private static readonly string?[] Phones = [null, "+49 89 1234567", "089 1234567", "12345", "+49 30 7654321", "0307654321"];

    /// <summary>
    /// Over seeded random leads, written and then re-written with other details, the index answers
    /// every lookup exactly as the interface's default scan over <see cref="ILeadStore.QueryAsync"/>.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task FindDuplicateCandidates_RandomLeadsAndRewrites_EqualsTheDefaultScan(int seed)
    {
        var random = new Random(seed);
        var clock = new FakeClock(Instant.FromUtc(2025, 1, 1, 0, 0));
        var store = new InMemoryStore();
        ILeadStore scanning = new ScanningLeadStore(store);
        var leads = new List<Lead>();
        for (var i = 0; i < 120; i++)
        {
            var lead = Lead.Capture(Tenants[random.Next(Tenants.Length)], new LeadId($"l-{random.Next(60):D2}-{i}"), RandomDetails(random), "system", clock);
            await store.AddAsync(lead);
            leads.Add(lead);
        }

        foreach (var lead in leads.Where(_ => random.Next(3) == 0))
        {
            var rewritten = Lead.FromSnapshot(lead.ToSnapshot() with { Details = RandomDetails(random) });
            await store.UpdateAsync(rewritten);
        }

        var lookups = 0;
        foreach (var tenant in Tenants)
        {
            foreach (var details in Companies.SelectMany(c => Emails.SelectMany(e => Phones.Select(p => Details(c, e, p)))))
            {
                var keys = DuplicateKeys.Of(details, DuplicatePolicy.Default);
                var scope = AccessScope.Manufacturer(tenant);
                var indexed = await Ids(store.FindDuplicateCandidatesAsync(scope, keys));
                Assert.Equal(await Ids(scanning.FindDuplicateCandidatesAsync(scope, keys)), indexed);
                lookups += indexed.Count;
            }
        }

        Assert.True(lookups > 0);
    }

    private static LeadDetails RandomDetails(Random random) =>
        Details(Companies[random.Next(Companies.Length)], Emails[random.Next(Emails.Length)], Phones[random.Next(Phones.Length)]);

    private static LeadDetails Details(string? company, string? email, string? phone) =>
        new() { Source = "web", Company = company, Contact = new LeadContact(null, email, phone) };

    private static async Task<List<string>> Ids(IAsyncEnumerable<Lead> leads)
    {
        var ids = new List<string>();
        await foreach (var lead in leads)
        {
            ids.Add(lead.Id.Value);
        }

        return ids;
    }

    /// <summary>Delegates everything but the lookup, so the interface's default scan answers it.</summary>
    private sealed class ScanningLeadStore(InMemoryStore inner) : ILeadStore
    {
        public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default) => inner.FindAsync(scope, id, cancellationToken);

        public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(scope, query, cancellationToken);

        public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => inner.AddAsync(lead, cancellationToken);

        public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => inner.UpdateAsync(lead, cancellationToken);

        public Task<IReadOnlyList<Lead>> ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken = default) => ((ILeadStore)inner).ClaimDueAsync(claim, cancellationToken);
    }
}
