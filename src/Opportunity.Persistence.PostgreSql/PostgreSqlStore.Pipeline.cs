using System.Globalization;
using Opportunity.Persistence.PostgreSql.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// The weighted pipeline computed in the database, visible in <paramref name="scope"/>: one row
    /// per group of <paramref name="grouping"/> (partner, stage, close period; always currency) with
    /// the count, the amount and the exact weighted sum — <c>sum(amount_minor::numeric × probability_bp)</c>
    /// in PostgreSQL's arbitrary-precision numeric, where the probability is the override or the
    /// stage default of the store's <see cref="Opportunity.Pipelines.PipelineCatalog"/>. Nothing is
    /// rounded in SQL (PostgreSQL's <c>round</c> rounds half away from zero); each row's
    /// <see cref="PipelineAggregateRow.WeightedValue"/> rounds once, half to even. Equals
    /// <see cref="PipelineAggregateRow.Aggregate"/> over the same opportunities. Opportunities of
    /// pipelines the catalog does not know are not counted.
    /// </summary>
    public async Task<IReadOnlyList<PipelineAggregateRow>> GetWeightedPipelineAsync(AccessScope scope, PipelineGrouping grouping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(grouping);
        var stages = _pipelines.All.SelectMany(d => d.Stages.Select((s, i) => (Pipeline: d.Id, s.Name, Bp: s.DefaultProbability.BasisPoints, Ordinal: i))).ToList();
        var shift = $"make_interval(months => {grouping.FiscalYearStartMonth - 1})";
        var period = grouping.Period switch
        {
            ClosePeriod.Month => "date_trunc('month', o.expected_close)::date",
            ClosePeriod.Quarter => $"(date_trunc('quarter', o.expected_close - {shift}) + {shift})::date",
            ClosePeriod.Year => $"(date_trunc('year', o.expected_close - {shift}) + {shift})::date",
            _ => "NULL::date",
        };
        List<object?> parameters =
        [
            stages.Select(s => s.Pipeline).ToArray(),
            stages.Select(s => s.Name).ToArray(),
            stages.Select(s => s.Bp).ToArray(),
            stages.Select(s => s.Ordinal).ToArray(),
            scope.Tenant.Value,
        ];
        var where = "o.tenant = $5";
        if (scope.Partner is { } partner)
        {
            parameters.Add(partner.Value);
            where += " AND o.partner = $6";
        }

        if (!grouping.IncludeClosed)
        {
            where += " AND o.is_open";
        }

        var sql = $"""
            SELECT * FROM (
            SELECT {(grouping.ByPartner ? "o.partner" : "NULL::text")} AS partner,
                   {(grouping.ByStage ? "o.stage" : "NULL::text")} AS stage,
                   {period} AS period,
                   o.currency,
                   {(grouping.ByStage ? "min(d.ordinal)" : "0")} AS ordinal,
                   count(*),
                   sum(o.amount_minor::numeric)::text,
                   sum(o.amount_minor::numeric * coalesce(o.probability_override_bp, d.bp))::text
            FROM {_schema}.opportunities o
            JOIN unnest($1::text[], $2::text[], $3::integer[], $4::integer[]) AS d(pipeline_id, stage, bp, ordinal)
              ON d.pipeline_id = o.pipeline_id AND d.stage = o.stage
            WHERE {where}
            GROUP BY 1, 2, 3, 4) g
            ORDER BY g.partner COLLATE "C", g.ordinal, g.stage COLLATE "C", g.period, g.currency COLLATE "C";
            """;
        return await ReadListAsync(
            DbScope.Of(scope),
            sql,
            parameters,
            r => new PipelineAggregateRow(
                r.IsDBNull(0) ? null : new PartnerId(r.GetString(0)),
                r.IsDBNull(1) ? null : r.GetString(1),
                r.IsDBNull(2) ? null : NodaTime.LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(2)),
                StoredValues.ReadCurrency("SalesOpportunity", null, r.GetString(3)),
                r.GetInt64(5),
                Int128.Parse(r.GetString(6), CultureInfo.InvariantCulture),
                Int128.Parse(r.GetString(7), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
    }
}
