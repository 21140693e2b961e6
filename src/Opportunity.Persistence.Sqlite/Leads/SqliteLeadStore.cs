using System.Runtime.CompilerServices;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The lead store of a <see cref="SqliteStore"/>: leads in <c>leads</c>, their document and indexed columns, scoped reads and leased claims of due leads.</summary>
internal sealed class SqliteLeadStore(SqliteStore store) : ILeadStore
{
    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadRows.LeadScope(scope);
        return store.FindDocumentAsync("leads", where, parameters, id.Value, LeadRows.ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = LeadRows.LeadScope(scope);
        if (query.States is { Count: 0 })
        {
            return AsyncEnumerable.Empty<Lead>();
        }

        if (query.States is { } states)
        {
            var names = states.Distinct().Select((s, i) => ($"$state{i}", (object?)s.ToString())).ToList();
            where += $" AND state IN ({string.Join(", ", names.Select(n => n.Item1))})";
            parameters.AddRange(names);
        }

        if (query.Partner is { } partner)
        {
            where += " AND assigned_partner = $partner";
            parameters.Add(("$partner", partner.Value));
        }

        return store.QueryDocumentsAsync(StoredRecordKind.Lead, "leads", scope.Tenant, where, parameters, LeadRows.ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = LeadRows.LeadScope(scope);
        var terms = LeadRows.DuplicateKeyColumns(keys).Where(c => c.Value is not null).ToList();
        if (terms.Count == 0)
        {
            return AsyncEnumerable.Empty<Lead>();
        }

        // One lookup per key in its own partial (tenant, key) index, as a subquery: written as an OR, SQLite
        // (without ANALYZE statistics) prefers a range scan of the tenant's primary key, i.e. of all its leads.
        parameters.AddRange(terms.Select(t => ("$" + t.Column, t.Value)));
        var ids = string.Join(" UNION ALL ", terms.Select(t => $"SELECT id FROM leads WHERE tenant = $tenant AND {t.Column} = ${t.Column}"));
        return store.QueryDocumentsAsync(StoredRecordKind.Lead, "leads", scope.Tenant, $"{where} AND id IN ({ids})", parameters, LeadRows.ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            "SELECT partner, open_leads, last_assigned_at FROM partner_load WHERE tenant = $tenant ORDER BY partner;",
            [("$tenant", tenant.Value)],
            reader => new PartnerLoadCount(new PartnerId(reader.GetString(0)), reader.GetInt32(1), SqliteText.ToInstantOrNull(reader.GetValue(2))),
            cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((ILeadStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        store.ClaimDueRowsAsync(StoredRecordKind.Lead, "leads", claim, (_, id, version, json) => LeadRows.ToLead(id, version, json), cancellationToken);

    private Task SaveLeadAsync(Lead lead, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => store.SaveAggregateAsync(LeadRows.LeadRow(lead), cancellationToken, operation);
}
