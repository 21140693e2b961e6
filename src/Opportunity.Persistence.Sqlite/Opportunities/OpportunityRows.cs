using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.Sqlite;

/// <summary>An opportunity as a row of <c>opportunities</c>: its document, indexed, pipeline and customer-key columns, its partner scope, and how a row is read back.</summary>
internal static class OpportunityRows
{
    // source_lead is written once, on insert: the unique (tenant, source_lead) index is the
    // store's guarantee of one opportunity per lead (see ConvertAsync).
    internal static SqliteStore.AggregateRow OpportunityRow(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        var snapshot = opportunity.ToSnapshot() with { Version = opportunity.Version + 1 };
        var columns = OpportunityColumns(snapshot, opportunity.Stage);
        return new SqliteStore.AggregateRow(
            opportunity,
            "opportunities",
            SnapshotJson.Serialize(snapshot),
            opportunity.Version == 0 ? [.. columns, ("source_lead", snapshot.SourceLead?.Value)] : columns);
    }

    /// <summary>The indexed columns of an opportunity row, in the order of <see cref="OpportunityValues"/>.</summary>
    internal static readonly string[] OpportunityColumnNames =
        ["partner", "pipeline_id", "stage", "amount_minor", "currency", "expected_close", "probability_override_bp", "region", "product_line", "is_open", "next_due_at",
         "stage_kind", "probability_bp", "forecast_category", "closed_at", "products",
         .. CustomerKeyColumnNames];

    internal static (string Column, object? Value)[] OpportunityColumns(SalesOpportunitySnapshot s, Stage stage) =>
        [.. OpportunityColumnNames.Zip(OpportunityValues(s, stage))];

    // The pipeline columns (migration 11) hold the probability and category in force, resolved
    // against the stage here, so that the pipeline is read and pushed down without the documents.
    internal static object?[] OpportunityValues(SalesOpportunitySnapshot s, Stage stage) =>
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

    internal static (string Where, List<(string Name, object? Value)> Parameters) OpportunityScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $tenant AND partner = $scopePartner", [("$tenant", scope.Tenant.Value), ("$scopePartner", partner.Value)])
            : ("tenant = $tenant", [("$tenant", scope.Tenant.Value)]);

    // The customer keys of opportunities (migration 39): the columns and indexes the leads' duplicate keys
    // have (migration 3), with the same names, so duplicate detection matches leads against deals and an
    // erasure clears both tables alike. dup_phone and dup_email_domain hold personal data.
    internal static string[] CustomerKeyColumnNames => ["dup_company", "dup_email_domain", "dup_phone"];

    internal static object?[] CustomerKeyValues(DuplicateKeys? keys) => [keys?.Company, keys?.EmailDomain, keys?.Phone];

    /// <summary>The opportunity of a row read as id, version, document, rebuilt with its pipeline from <paramref name="pipelines"/>.</summary>
    internal static SalesOpportunity ReadOpportunity(PipelineCatalog pipelines, SqliteDataReader reader) => ToOpportunity(pipelines, reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    /// <summary>The opportunity of a stored document at <paramref name="version"/>; an unreadable document is a <see cref="StoreDataException"/>.</summary>
    internal static SalesOpportunity ToOpportunity(PipelineCatalog pipelines, string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(SalesOpportunity), id, json, SnapshotJson.DeserializeOpportunity) with { Version = version };
        return StoredValues.Rebuild(nameof(SalesOpportunity), id, () => SalesOpportunity.FromSnapshot(snapshot, pipelines.Get(snapshot.PipelineId)));
    }
}
