using System.Globalization;
using Npgsql;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerLoadCount>> ListPartnerLoadAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT partner, open_leads, last_assigned_at FROM {_schema}.partner_load WHERE tenant = $1 ORDER BY partner;",
            [tenant.Value],
            reader => new PartnerLoadCount(new PartnerId(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : PgValues.ToInstant(reader.GetDateTime(2))),
            cancellationToken);

    /// <summary>The refusal of the partner_load trigger (message <c>…|open|capacity|partner</c>) as a typed error.</summary>
    private static PartnerAtCapacityException AtCapacity(AggregateRoot aggregate, PostgresException ex)
    {
        var parts = ex.MessageText.Split('|', 4);
        return new PartnerAtCapacityException(
            aggregate.Tenant,
            new PartnerId(parts[3]),
            aggregate.AggregateId,
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
