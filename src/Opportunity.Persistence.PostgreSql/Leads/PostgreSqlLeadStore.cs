using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Workflows;
using static Opportunity.Persistence.PostgreSql.LeadRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The lead store (<see cref="ILeadStore"/>) of a <see cref="PostgreSqlStore"/>: the <c>leads</c> table, its duplicate-key hashes and due claims.</summary>
internal sealed class PostgreSqlLeadStore(PostgreSqlStore db) : ILeadStore
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadScope(scope);
        return db.FindDocumentAsync(scope, "leads", where, parameters, id.Value, ReadLead, cancellationToken, LeadReadColumns);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = LeadScope(scope);
        if (query.States is { } states)
        {
            parameters.Add(states.Select(s => s.ToString()).Distinct().ToArray());
            where += $" AND state = ANY(${parameters.Count})";
        }

        if (query.Partner is { } partner)
        {
            parameters.Add(partner.Value);
            where += $" AND assigned_partner = ${parameters.Count}";
        }

        return db.QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", where, parameters, ReadLead, cancellationToken, LeadReadColumns);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = LeadScope(scope);
        var any = new List<string>();
        foreach (var (column, value) in DuplicateKeyColumns(scope.Tenant, keys))
        {
            if (value is not null)
            {
                parameters.Add(value);
                any.Add($"{column} = ${parameters.Count}");
            }
        }

        // One indexed equality per key, OR-ed: PostgreSQL combines the partial indexes with a BitmapOr. The
        // indexes hold 64-bit hashes (migration 13): the keys are compared again, so a collision is never a candidate.
        return any.Count == 0
            ? AsyncEnumerable.Empty<Lead>()
            : db.QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", $"{where} AND ({string.Join(" OR ", any)})", parameters, ReadLead, cancellationToken, LeadReadColumns)
                .Where(lead => keys.SharesAnyWith(DuplicateKeys.Normalised(lead.Details)));
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((ILeadStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        db.ClaimDueRowsAsync(StoredRecordKind.Lead, "leads", "claim_due_lead_rows", claim, reader => ToLead(reader, tenant: 0, id: 1, version: 2, document: 3, state: 4, partner: 5), cancellationToken);

    private Task SaveLeadAsync(Lead lead, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => db.SaveAsync(LeadRow(lead), cancellationToken, operation);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        db.ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT partner, open_leads, last_assigned_at FROM {_schema}.partner_load WHERE tenant = $1 ORDER BY partner;",
            [tenant.Value],
            reader => new PartnerLoadCount(new PartnerId(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : PgValues.ToInstant(reader.GetDateTime(2))),
            cancellationToken);
}
