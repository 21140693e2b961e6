using Npgsql;
using Opportunity.Leads;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Test hook of the conformance suite: rewrites the stored document of a lead with a state this
    /// version does not know, as a newer version (or a hand edit) would; the columns stay as they are.
    /// </summary>
    internal Task CorruptLeadAsync(TenantId tenant, LeadId id, CancellationToken cancellationToken = default) =>
        RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using var command = Command(connection, transaction, $"UPDATE {_schema}.leads SET document = jsonb_set(document::jsonb, '{{state}}', '\"Archived\"')::json WHERE tenant = $1 AND id = $2;", [tenant.Value, id.Value]);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Sets records of one tenant aside inside the caller's transaction of that tenant (a query's finds; a
    /// claim uses the owner's <c>quarantine_claimed_*</c> instead): records each in <c>quarantine</c> with
    /// the due time it had, and takes it out of the due index and its lease. <paramref name="at"/> null: the
    /// database's clock. A record already quarantined stays as it was.
    /// </summary>
    internal async Task QuarantineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredRecordKind kind, string table, List<(string Tenant, string Id, string Reason)> records, NodaTime.Instant? at, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        using var command = Command(
            connection,
            transaction,
            $"""
            WITH bad AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS b(tenant, id, reason)),
            parked AS (
                UPDATE {_schema}.{table} r SET next_due_at = NULL, lease_owner = NULL, lease_until = NULL
                FROM bad WHERE r.tenant = bad.tenant AND r.id = bad.id
                RETURNING r.tenant, r.id, bad.reason, (SELECT o.next_due_at FROM {_schema}.{table} o WHERE o.tenant = r.tenant AND o.id = r.id) AS next_due_at)
            INSERT INTO {_schema}.quarantine (tenant, kind, id, reason, quarantined_at, next_due_at)
            SELECT tenant, $4, id, reason, {(at is null ? "now()" : "$5")}, next_due_at FROM parked
            ON CONFLICT DO NOTHING;
            """,
            [
                records.Select(r => r.Tenant).ToArray(), records.Select(r => r.Id).ToArray(), records.Select(r => r.Reason).ToArray(), kind.ToString(),
                .. at is { } instant ? new object?[] { PgValues.Floor(instant) } : [],
            ]);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string TableOf(StoredRecordKind kind) => kind switch
    {
        StoredRecordKind.Lead => "leads",
        StoredRecordKind.SalesOpportunity => "opportunities",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown record kind."),
    };
}
