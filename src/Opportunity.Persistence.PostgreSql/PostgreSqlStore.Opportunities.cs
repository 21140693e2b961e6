using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>The indexed columns of an opportunity row, in the order of <see cref="OpportunityValues"/>.</summary>
    private static readonly string[] OpportunityColumnNames =
        ["partner", "pipeline_id", "stage", "amount_minor", "currency", "expected_close", "probability_override_bp", "region", "product_line", "is_open", "next_due_at",
         "stage_kind", "probability_bp", "forecast_category", "closed_at", "products",
         .. CustomerKeyColumnNames];

    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = OpportunityScope(scope);
        return FindDocumentAsync(scope, "opportunities", where, parameters, id.Value, ReadOpportunity, cancellationToken);
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

        return QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, scope, "opportunities", where, parameters, ReadOpportunity, cancellationToken);
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
        ClaimDueRowsAsync(StoredRecordKind.SalesOpportunity, "opportunities", "claim_due_batch_opportunities", claim, reader => ToOpportunity(reader.GetString(1), reader.GetInt64(2), reader.GetString(3)), cancellationToken);

    private async Task SaveOpportunityAsync(SalesOpportunity opportunity, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        try
        {
            await SaveAsync(OpportunityRow(opportunity), cancellationToken, operation).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsSourceLeadTaken(ex) && opportunity.SourceLead is { } lead)
        {
            var existing = await FindConvertedFromAsync(opportunity.Tenant, lead, cancellationToken).ConfigureAwait(false);
            throw LeadConversionRules.AlreadyConverted(opportunity.Tenant, lead, existing?.Id ?? new OpportunityId("?"));
        }
    }

    // source_lead is written once, on insert: the unique (tenant, source_lead) index is the
    // store's guarantee of one opportunity per lead (see ConvertAsync).
    private static AggregateRow OpportunityRow(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        var snapshot = opportunity.ToSnapshot() with { Version = opportunity.Version + 1 };
        (string Column, object? Value)[] columns = [.. OpportunityColumnNames.Zip(OpportunityValues(snapshot, opportunity.Stage))];
        return new AggregateRow(
            opportunity,
            "opportunities",
            SnapshotJson.Serialize(snapshot),
            opportunity.Version == 0 ? [.. columns, ("source_lead", snapshot.SourceLead?.Value)] : columns);
    }

    // The pipeline columns (migration 11) hold the probability and category in force, resolved
    // against the stage here, so that the pipeline is read and pushed down without the documents.
    private static object?[] OpportunityValues(SalesOpportunitySnapshot s, Stage stage) =>
    [
        s.Partner.Value,
        s.PipelineId,
        s.Stage,
        StoredValues.AmountMinorUnits(s),
        s.Amount.Currency.Code,
        PgValues.Of(s.ExpectedClose),
        s.ProbabilityOverride?.BasisPoints,
        s.Region,
        s.ProductLine,
        !stage.IsClosed,
        PgValues.CeilingOrNull(s.NextDueAt),
        (short)stage.Kind,
        (short)(s.ProbabilityOverride ?? stage.DefaultProbability).BasisPoints,
        (short)(s.ForecastCategoryOverride ?? stage.ForecastCategory),
        PgValues.FloorOrNull(s.ClosedAt),
        StoredValues.ProductsColumn(s),
        .. CustomerKeyValues(s.Tenant, s.CustomerKeys),
    ];

    private static (string Where, List<object?> Parameters) OpportunityScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $1 AND partner = $2", [scope.Tenant.Value, partner.Value])
            : ("tenant = $1", [scope.Tenant.Value]);

    private SalesOpportunity ReadOpportunity(NpgsqlDataReader reader) => ToOpportunity(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private SalesOpportunity ToOpportunity(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(SalesOpportunity), id, json, SnapshotJson.DeserializeOpportunity) with { Version = version };
        return StoredValues.Rebuild(nameof(SalesOpportunity), id, () => SalesOpportunity.FromSnapshot(snapshot, _pipelines.Get(snapshot.PipelineId)));
    }
}
