using Npgsql;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using static Opportunity.Persistence.PostgreSql.ForecastRows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The partner directory (<see cref="IPartnerDirectory"/>) of a <see cref="PostgreSqlStore"/>: the <c>partners</c> table.</summary>
internal sealed class PostgreSqlPartnerDirectory(PostgreSqlStore db) : IPartnerDirectory
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
        db.ReadOneAsync(DbScope.Of(tenant), $"SELECT id, document::text FROM {_schema}.partners WHERE tenant = $1 AND id = $2;", [tenant.Value, id.Value], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) =>
        db.ReadRowsAsync(DbScope.Of(tenant), $"SELECT id, document::text FROM {_schema}.partners WHERE tenant = $1 ORDER BY id;", [tenant.Value], ReadPartner, cancellationToken);

    /// <inheritdoc />
    public Task UpsertAsync(Partner partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var document = SnapshotJson.Serialize(partner);
        return db.RunAsync(
            DbScope.Of(partner.Tenant),
            async (connection, transaction) =>
            {
                await CheckParentAsync(connection, transaction, partner, cancellationToken).ConfigureAwait(false);
                using var command = Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO {_schema}.partners (tenant, id, name, is_active, document) VALUES ($1, $2, $3, $4, $5::json)
                    ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, is_active = excluded.is_active, document = excluded.document;
                    """,
                    [partner.Tenant.Value, partner.Id.Value, partner.Name, partner.IsActive, document]);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Refuses an unknown parent or a cycle (<see cref="PartnerHierarchy.CheckParent"/>), reading the parent's ancestor chain in the write transaction.</summary>
    private async Task CheckParentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Partner partner, CancellationToken cancellationToken)
    {
        if (partner.ParentId is not { } parent)
        {
            return;
        }

        // The chain stops after 64 steps, so a cycle stored by hand cannot loop; CheckParent reports it.
        using var command = Command(
            connection,
            transaction,
            $"""
            WITH RECURSIVE chain(id, parent_id, depth) AS (
                SELECT id, document->>'parentId', 0 FROM {_schema}.partners WHERE tenant = $1 AND id = $2
                UNION ALL
                SELECT p.id, p.document->>'parentId', c.depth + 1 FROM {_schema}.partners p JOIN chain c ON p.tenant = $1 AND p.id = c.parent_id WHERE c.depth < 64)
            SELECT id, parent_id FROM chain;
            """,
            [partner.Tenant.Value, parent.Value]);
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

    private static Partner ReadPartner(NpgsqlDataReader reader) =>
        StoredValues.ReadDocument(nameof(Partner), reader.GetString(0), reader.GetString(1), SnapshotJson.DeserializePartner);
}
