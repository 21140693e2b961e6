using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<SalesOpportunity?> FindAsync(AccessScope scope, OpportunityId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = OpportunityScope(scope);
        return FindDocumentAsync("opportunities", where, parameters, id.Value, ReadOpportunity, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> QueryAsync(AccessScope scope, OpportunityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = OpportunityScope(scope);
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

        return QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, "opportunities", scope.Tenant, where, parameters, ReadOpportunity, cancellationToken);
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
        ClaimDueRowsAsync(StoredRecordKind.SalesOpportunity, "opportunities", claim, (_, id, version, json) => ToOpportunity(id, version, json), cancellationToken);

    private Task SaveOpportunityAsync(SalesOpportunity opportunity, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => SaveAsync(OpportunityRow(opportunity), cancellationToken, operation);

    // source_lead is written once, on insert: the unique (tenant, source_lead) index is the
    // store's guarantee of one opportunity per lead (see ConvertAsync).
    private static AggregateRow OpportunityRow(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        var snapshot = opportunity.ToSnapshot() with { Version = opportunity.Version + 1 };
        var columns = OpportunityColumns(snapshot, opportunity.Stage);
        return new AggregateRow(
            opportunity,
            "opportunities",
            SnapshotJson.Serialize(snapshot),
            opportunity.Version == 0 ? [.. columns, ("source_lead", snapshot.SourceLead?.Value)] : columns);
    }

    /// <summary>The indexed columns of an opportunity row, in the order of <see cref="OpportunityValues"/>.</summary>
    private static readonly string[] OpportunityColumnNames =
        ["partner", "pipeline_id", "stage", "amount_minor", "currency", "expected_close", "probability_override_bp", "region", "product_line", "is_open", "next_due_at",
         "stage_kind", "probability_bp", "forecast_category", "closed_at", "products",
         .. CustomerKeyColumnNames];

    private static (string Column, object? Value)[] OpportunityColumns(SalesOpportunitySnapshot s, Stage stage) =>
        [.. OpportunityColumnNames.Zip(OpportunityValues(s, stage))];

    // The pipeline columns (migration 11) hold the probability and category in force, resolved
    // against the stage here, so that the pipeline is read and pushed down without the documents.
    private static object?[] OpportunityValues(SalesOpportunitySnapshot s, Stage stage) =>
    [
        s.Partner.Value,
        s.PipelineId,
        s.Stage,
        StoredValues.AmountMinorUnits(s),
        s.Amount.Currency.Code,
        SqliteText.Of(s.ExpectedClose),
        s.ProbabilityOverride?.BasisPoints,
        s.Region,
        s.ProductLine,
        stage.IsClosed ? 0 : 1,
        SqliteText.OfOrNull(s.NextDueAt, nameof(SalesOpportunity), s.Id.Value, nameof(s.NextDueAt)),
        (int)stage.Kind,
        (s.ProbabilityOverride ?? stage.DefaultProbability).BasisPoints,
        (int)(s.ForecastCategoryOverride ?? stage.ForecastCategory),
        SqliteText.OfOrNull(s.ClosedAt, nameof(SalesOpportunity), s.Id.Value, nameof(s.ClosedAt)),
        StoredValues.ProductsColumn(s),
        .. CustomerKeyValues(s.CustomerKeys),
    ];

    private static (string Where, List<(string Name, object? Value)> Parameters) OpportunityScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $tenant AND partner = $scopePartner", [("$tenant", scope.Tenant.Value), ("$scopePartner", partner.Value)])
            : ("tenant = $tenant", [("$tenant", scope.Tenant.Value)]);

    private SalesOpportunity ReadOpportunity(SqliteDataReader reader) => ToOpportunity(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private SalesOpportunity ToOpportunity(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(SalesOpportunity), id, json, SnapshotJson.DeserializeOpportunity) with { Version = version };
        return StoredValues.Rebuild(nameof(SalesOpportunity), id, () => SalesOpportunity.FromSnapshot(snapshot, _pipelines.Get(snapshot.PipelineId)));
    }
}
