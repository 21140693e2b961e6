using Npgsql;
using Opportunity.Leads;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The quarantine (<see cref="IRecordQuarantine"/>) of a <see cref="PostgreSqlStore"/>: the records set aside and their release.</summary>
internal sealed class PostgreSqlRecordQuarantine(PostgreSqlStore db) : IRecordQuarantine
{
    private readonly string _schema = db.SchemaName;

    /// <inheritdoc />
    public Task<IReadOnlyList<QuarantinedRecord>> ListQuarantinedAsync(TenantId? tenant = null, CancellationToken cancellationToken = default) =>
        tenant is { } scoped
            ? db.ReadListAsync(
                DbScope.Of(scoped),
                $"SELECT tenant, kind, id, reason, quarantined_at FROM {_schema}.quarantine WHERE tenant = $1 ORDER BY quarantined_at, tenant, kind, id;",
                [scoped.Value],
                ReadQuarantined,
                cancellationToken)
            : db.ReadListAsync(DbScope.NoTenant, $"SELECT tenant, kind, id, reason, quarantined_at FROM {_schema}.quarantine_all();", [], ReadQuarantined, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(TenantId tenant, StoredRecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = PostgreSqlStore.TableOf(kind);
        return db.RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using var release = Command(
                    connection,
                    transaction,
                    $"""
                    WITH released AS (DELETE FROM {_schema}.quarantine WHERE tenant = $1 AND kind = $2 AND id = $3 RETURNING tenant, id, next_due_at)
                    UPDATE {_schema}.{table} r SET next_due_at = released.next_due_at FROM released WHERE r.tenant = released.tenant AND r.id = released.id
                    RETURNING r.id;
                    """,
                    [tenant.Value, kind.ToString(), id]);
                return await release.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            },
            cancellationToken);
    }

    private static QuarantinedRecord ReadQuarantined(NpgsqlDataReader reader) =>
        new(new TenantId(reader.GetString(0)), Enum.Parse<StoredRecordKind>(reader.GetString(1)), reader.GetString(2), reader.GetString(3), PgValues.ToInstant(reader.GetDateTime(4)));
}
