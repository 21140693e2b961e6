using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The partner directory of a <see cref="SqliteStore"/>: partners in <c>partners</c>, their hierarchy checked on write.</summary>
internal sealed class SqlitePartnerDirectory(SqliteStore store) : IPartnerDirectory
{
    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
        store.ReadOneAsync("SELECT id, document FROM partners WHERE tenant = $tenant AND id = $id;", [("$tenant", tenant.Value), ("$id", id.Value)], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        store.ReadRowsAsync("SELECT id, document FROM partners WHERE tenant = $tenant ORDER BY id;", [("$tenant", tenant.Value)], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var document = SnapshotJson.Serialize(partner);
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                await CheckParentAsync(connection, transaction, partner, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Refuses an unknown parent or a cycle (<see cref="PartnerHierarchy.CheckParent"/>), reading the parent's ancestor chain in the write transaction.</summary>
    private static async Task CheckParentAsync(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, Partner partner, CancellationToken cancellationToken)
    {
        if (partner.ParentId is not { } parent)
        {
            return;
        }

        // The chain stops after 64 steps, so a cycle stored by hand cannot loop; CheckParent reports it.
        using var command = Command(
            connection,
            transaction,
            """
            WITH RECURSIVE chain(id, parent_id, depth) AS (
                SELECT id, json_extract(document, '$.parentId'), 0 FROM partners WHERE tenant = $tenant AND id = $parent
                UNION ALL
                SELECT p.id, json_extract(p.document, '$.parentId'), c.depth + 1 FROM partners p JOIN chain c ON p.tenant = $tenant AND p.id = c.parent_id WHERE c.depth < 64)
            SELECT id, parent_id FROM chain;
            """,
            ("$tenant", partner.Tenant.Value),
            ("$parent", parent.Value));
        var chain = new Dictionary<PartnerId, PartnerId?>();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chain.TryAdd(new PartnerId(reader.GetString(0)), reader.IsDBNull(1) ? null : new PartnerId(reader.GetString(1)));
            }
        }

        PartnerHierarchy.CheckParent(partner.Id, parent, id => chain.TryGetValue(id, out var up) ? (true, up) : (false, null));
    }

    private static Partner ReadPartner(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        StoredValues.ReadDocument(nameof(Partner), reader.GetString(0), reader.GetString(1), SnapshotJson.DeserializePartner);
}
