using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.OpportunityRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The opportunity store (<see cref="IOpportunityStore"/>) of a <see cref="PostgreSqlStore"/>: the <c>opportunities</c> table, its customer-key hashes and due claims.</summary>
internal sealed partial class PostgreSqlOpportunityStore(PostgreSqlStore db, ILeadConversionStore conversions) : IOpportunityStore
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = OpportunityScope(scope);
        return db.FindDocumentAsync(scope, "opportunities", where, parameters, id.Value, db.ReadOpportunity, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = OpportunityScope(scope);
        if (query.IsOpen is { } isOpen)
        {
            parameters.Add(isOpen);
            where += $" AND is_open = ${parameters.Count}";
        }

        if (query.Partner is { } partner)
        {
            parameters.Add(partner.Value);
            where += $" AND partner = ${parameters.Count}";
        }

        return db.QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, scope, "opportunities", where, parameters, db.ReadOpportunity, cancellationToken);
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
        db.ClaimDueRowsAsync(StoredRecordKind.SalesOpportunity, "opportunities", "claim_due_batch_opportunities", claim, reader => db.ToOpportunity(reader.GetString(1), reader.GetInt64(2), reader.GetString(3)), cancellationToken);

    private async Task SaveOpportunityAsync(SalesOpportunity opportunity, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        try
        {
            await db.SaveAsync(OpportunityRow(opportunity), cancellationToken, operation).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgreSqlStore.IsSourceLeadTaken(ex) && opportunity.SourceLead is { } lead)
        {
            var existing = await conversions.FindConvertedFromAsync(opportunity.Tenant, lead, cancellationToken).ConfigureAwait(false);
            throw LeadConversionRules.AlreadyConverted(opportunity.Tenant, lead, existing?.Id ?? new OpportunityId("?"));
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = OpportunityScope(scope);
        var any = new List<string>();
        foreach (var (column, value) in CustomerKeyColumnNames.Zip(CustomerKeyValues(scope.Tenant, keys)))
        {
            if (value is not null)
            {
                parameters.Add(value);
                any.Add($"{column} = ${parameters.Count}");
            }
        }

        // The hashes may collide: the keys of each deal found are compared again.
        return any.Count == 0
            ? AsyncEnumerable.Empty<SalesOpportunity>()
            : db.QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, scope, "opportunities", $"{where} AND ({string.Join(" OR ", any)})", parameters, db.ReadOpportunity, cancellationToken)
                .Where(deal => deal.CustomerKeys?.SharesAnyWith(keys) == true);
    }
}
