using Npgsql;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
        ReadOneAsync(DbScope.Of(tenant), $"SELECT id, document::text FROM {_schema}.partners WHERE tenant = $1 AND id = $2;", [tenant.Value, id.Value], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(DbScope.Of(tenant), $"SELECT id, document::text FROM {_schema}.partners WHERE tenant = $1 ORDER BY id;", [tenant.Value], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var document = SnapshotJson.Serialize(partner);
        return RunAsync(
            DbScope.Of(partner.Tenant),
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO {_schema}.partners (tenant, id, name, is_active, document) VALUES ($1, $2, $3, $4, $5::jsonb)
                    ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, is_active = excluded.is_active, document = excluded.document;
                    """,
                    [partner.Tenant.Value, partner.Id.Value, partner.Name, partner.IsActive, document]);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private static Partner ReadPartner(NpgsqlDataReader reader) =>
        StoredValues.ReadDocument(nameof(Partner), reader.GetString(0), reader.GetString(1), SnapshotJson.DeserializePartner);
}
