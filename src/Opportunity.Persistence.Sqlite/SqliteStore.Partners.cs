using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
        ReadOneAsync("SELECT id, document FROM partners WHERE tenant = $tenant AND id = $id;", [("$tenant", tenant.Value), ("$id", id.Value)], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        ReadRowsAsync("SELECT id, document FROM partners WHERE tenant = $tenant ORDER BY id;", [("$tenant", tenant.Value)], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var document = SnapshotJson.Serialize(partner);
        return WriteAsync(
            async (connection, transaction) =>
            {
                using var command = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO partners (tenant, id, name, is_active, document) VALUES ($tenant, $id, $name, $active, $document)
                    ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, is_active = excluded.is_active, document = excluded.document;
                    """,
                    ("$tenant", partner.Tenant.Value),
                    ("$id", partner.Id.Value),
                    ("$name", partner.Name),
                    ("$active", partner.IsActive ? 1 : 0),
                    ("$document", document));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    private static Partner ReadPartner(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        StoredValues.ReadDocument(nameof(Partner), reader.GetString(0), reader.GetString(1), SnapshotJson.DeserializePartner);
}
