using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.PostgreSql.LeadRows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>An opportunity as a row of <c>opportunities</c>: its indexed and pipeline columns, its customer-key hashes and its scope; shared by the ports that write opportunities.</summary>
internal static class OpportunityRows
{
    /// <summary>The indexed columns of an opportunity row, in the order of <see cref="OpportunityValues"/>.</summary>
    internal static readonly string[] OpportunityColumnNames =
        ["partner", "pipeline_id", "stage", "amount_minor", "currency", "expected_close", "probability_override_bp", "region", "product_line", "is_open", "next_due_at",
         "stage_kind", "probability_bp", "forecast_category", "closed_at", "products",
         .. CustomerKeyColumnNames];

    // source_lead is written once, on insert: the unique (tenant, source_lead) index is the
    // store's guarantee of one opportunity per lead (see ConvertAsync).
    internal static AggregateRow OpportunityRow(SalesOpportunity opportunity)
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
    internal static object?[] OpportunityValues(SalesOpportunitySnapshot s, Stage stage) =>
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

    internal static (string Where, List<object?> Parameters) OpportunityScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $1 AND partner = $2", [scope.Tenant.Value, partner.Value])
            : ("tenant = $1", [scope.Tenant.Value]);

    internal static string[] CustomerKeyColumnNames => ["dup_company_key", "dup_email_domain_key", "dup_phone_key"];

    internal static object?[] CustomerKeyValues(TenantId tenant, DuplicateKeys? keys) =>
        [.. DuplicateKeyColumns(tenant, keys ?? new DuplicateKeys(null, null, null)).Select(c => c.Value)];
}
