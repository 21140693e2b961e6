using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The opportunity store of a <see cref="SqliteStore"/>: deals in <c>opportunities</c>, scoped reads, leased claims of due deals, and (in its own file) the pipeline rows read from the indexed columns.</summary>
internal sealed partial class SqliteOpportunityStore(SqliteStore store) : IOpportunityStore
{
    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = OpportunityRows.OpportunityScope(scope);
        return store.FindDocumentAsync("opportunities", where, parameters, id.Value, ReadOpportunity, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = OpportunityRows.OpportunityScope(scope);
        if (query.IsOpen is { } isOpen)
        {
            where += " AND is_open = $open";
            parameters.Add(("$open", isOpen ? 1 : 0));
        }

        if (query.Partner is { } partner)
        {
            where += " AND partner = $partner";
            parameters.Add(("$partner", partner.Value));
        }

        return store.QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, "opportunities", scope.Tenant, where, parameters, ReadOpportunity, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ConflictException">The opportunity names a source lead that another opportunity was converted from (<see cref="OpportunityErrorCodes.LeadAlreadyConverted"/>).</exception>
    public Task AddAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default) => SaveOpportunityAsync(opportunity, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(SalesOpportunity opportunity, CancellationToken cancellationToken = default) => SaveOpportunityAsync(opportunity, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<SalesOpportunity>> IOpportunityStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((IOpportunityStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<SalesOpportunity>> IOpportunityStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        store.ClaimDueRowsAsync(StoredRecordKind.SalesOpportunity, "opportunities", claim, (_, id, version, json) => ToOpportunity(id, version, json), cancellationToken);

    private Task SaveOpportunityAsync(SalesOpportunity opportunity, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => store.SaveAggregateAsync(OpportunityRows.OpportunityRow(opportunity), cancellationToken, operation);

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = OpportunityRows.OpportunityScope(scope);
        var terms = OpportunityRows.CustomerKeyColumnNames.Zip(OpportunityRows.CustomerKeyValues(keys)).Where(t => t.Second is not null).ToList();
        if (terms.Count == 0)
        {
            return AsyncEnumerable.Empty<SalesOpportunity>();
        }

        // As for leads: one lookup per key in its partial (tenant, key) index, as a subquery.
        parameters.AddRange(terms.Select(t => ("$" + t.First, t.Second)));
        var ids = string.Join(" UNION ALL ", terms.Select(t => $"SELECT id FROM opportunities WHERE tenant = $tenant AND {t.First} = ${t.First}"));
        return store.QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, "opportunities", scope.Tenant, $"{where} AND id IN ({ids})", parameters, ReadOpportunity, cancellationToken);
    }

    private SalesOpportunity ReadOpportunity(SqliteDataReader reader) => OpportunityRows.ReadOpportunity(store.Pipelines, reader);

    private SalesOpportunity ToOpportunity(string id, long version, string json) => OpportunityRows.ToOpportunity(store.Pipelines, id, version, json);
}
