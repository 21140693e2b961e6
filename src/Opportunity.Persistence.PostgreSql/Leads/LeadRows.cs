using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>A lead as a row of <c>leads</c>: its indexed columns, its duplicate-key hashes, its scope and how it is read back; shared by the ports that write leads.</summary>
internal static class LeadRows
{
    internal static AggregateRow LeadRow(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var snapshot = lead.ToSnapshot() with { Version = lead.Version + 1 };
        return new AggregateRow(
            lead,
            "leads",
            LeadDocument.Serialize(snapshot),
            [
                ("state", snapshot.State.ToString()),
                ("assigned_partner", snapshot.AssignedPartner?.Value),
                ("next_due_at", PgValues.CeilingOrNull(snapshot.NextDueAt)),
                ("assigned_at", PgValues.FloorOrNull(snapshot.AssignedAt)),
                .. DuplicateKeyColumns(lead.Tenant, DuplicateKeys.Normalised(snapshot.Details)),
            ]);
    }

    // The indexed duplicate keys of a lead, always all three, free-mail domains included: since migration 13 each
    // as the 64-bit hash of tenant and key (DuplicateKeyHash) instead of migration 3's text.
    internal static (string Column, object? Value)[] DuplicateKeyColumns(TenantId tenant, DuplicateKeys keys) =>
        [("dup_company_key", DuplicateKeyHash(tenant, keys.Company)), ("dup_email_domain_key", DuplicateKeyHash(tenant, keys.EmailDomain)), ("dup_phone_key", DuplicateKeyHash(tenant, keys.Phone))];

    /// <summary>
    /// A duplicate key as migration 13 indexes it: the first 8 bytes, big-endian, of the SHA-256 of tenant, a zero byte
    /// and key (<see cref="StoredValues.OutboxIdHash"/>), which the migration computes in SQL as
    /// <see cref="PostgreSqlMigrations.PurgedIdKey"/> of <see cref="PostgreSqlMigrations.PurgedIdHash"/>. The tenant
    /// in the hash lets the index leave the tenant out.
    /// </summary>
    internal static long? DuplicateKeyHash(TenantId tenant, string? key) =>
        key is null ? null : BinaryPrimitives.ReadInt64BigEndian(StoredValues.OutboxIdHash(tenant, key));

    // The scope is checked in the query and again by row-level security.
    internal static (string Where, List<object?> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $1 AND assigned_partner = $2 AND state IN ('Assigned', 'Accepted', 'Converted')", [scope.Tenant.Value, partner.Value])
            : ("tenant = $1", [scope.Tenant.Value]);

    /// <summary>What a read of leads selects: the aggregate columns, then those the document leaves out (<see cref="LeadDocument"/>).</summary>
    internal const string LeadReadColumns = PostgreSqlStore.DocumentColumns + ", tenant, state, assigned_partner";

    internal static Lead ReadLead(NpgsqlDataReader reader) => ToLead(reader, tenant: 3, id: 0, version: 1, document: 2, state: 4, partner: 5);

    internal static Lead ToLead(NpgsqlDataReader reader, int tenant, int id, int version, int document, int state, int partner)
    {
        var columns = new LeadColumns(reader.GetString(tenant), reader.GetString(id), reader.GetInt64(version), reader.GetString(state), reader.IsDBNull(partner) ? null : reader.GetString(partner));
        var snapshot = LeadDocument.Read(columns, reader.GetString(document));
        return StoredValues.Rebuild(nameof(Lead), columns.Id, () => Lead.FromSnapshot(snapshot));
    }
}
