using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>A lead as a row of <c>leads</c>: its document and indexed columns, its partner-scoped visibility, and how a row is read back.</summary>
internal static class LeadRows
{
    // The lead states in which the assigned partner may see a lead (AccessScope rules).
    internal const string PartnerVisibleStates = "('Assigned', 'Accepted', 'Converted')";

    internal static SqliteStore.AggregateRow LeadRow(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var snapshot = lead.ToSnapshot() with { Version = lead.Version + 1 };
        return new SqliteStore.AggregateRow(
            lead,
            "leads",
            SnapshotJson.Serialize(snapshot),
            [
                ("state", snapshot.State.ToString()),
                ("assigned_partner", snapshot.AssignedPartner?.Value),
                ("next_due_at", SqliteText.OfOrNull(snapshot.NextDueAt, nameof(Lead), lead.AggregateId, nameof(snapshot.NextDueAt))),
                ("assigned_at", SqliteText.OfOrNull(snapshot.AssignedAt, nameof(Lead), lead.AggregateId, nameof(snapshot.AssignedAt))),
                .. DuplicateKeyColumns(DuplicateKeys.Normalised(snapshot.Details)),
            ]);
    }

    // The indexed duplicate keys of a lead (migration 3), always all three, free-mail domains included.
    internal static (string Column, object? Value)[] DuplicateKeyColumns(DuplicateKeys keys) =>
        [("dup_company", keys.Company), ("dup_email_domain", keys.EmailDomain), ("dup_phone", keys.Phone)];

    /// <summary>Fills the duplicate-key columns of every stored lead; part of migration 3's transaction.</summary>
    internal static async Task IndexStoredLeadKeysAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var keys = new List<(string Tenant, string Id, DuplicateKeys Keys)>();
        using (var select = Command(connection, transaction, "SELECT tenant, id, document FROM leads;"))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(1);
                var snapshot = StoredValues.ReadDocument(nameof(Lead), id, reader.GetString(2), SnapshotJson.DeserializeLead);
                keys.Add((reader.GetString(0), id, DuplicateKeys.Normalised(snapshot.Details)));
            }
        }

        using var update = Command(
            connection,
            transaction,
            "UPDATE leads SET dup_company = $dup_company, dup_email_domain = $dup_email_domain, dup_phone = $dup_phone WHERE tenant = $tenant AND id = $id;",
            [("$tenant", null), ("$id", null), ("$dup_company", null), ("$dup_email_domain", null), ("$dup_phone", null)]);
        foreach (var (tenant, id, leadKeys) in keys)
        {
            update.Parameters["$tenant"].Value = tenant;
            update.Parameters["$id"].Value = id;
            foreach (var (column, value) in DuplicateKeyColumns(leadKeys))
            {
                update.Parameters["$" + column].Value = value ?? DBNull.Value;
            }

            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal static (string Where, List<(string Name, object? Value)> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ($"tenant = $tenant AND assigned_partner = $scopePartner AND state IN {PartnerVisibleStates}", [("$tenant", scope.Tenant.Value), ("$scopePartner", partner.Value)])
            : ("tenant = $tenant", [("$tenant", scope.Tenant.Value)]);

    internal static Lead ReadLead(Microsoft.Data.Sqlite.SqliteDataReader reader) => ToLead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    internal static Lead ToLead(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(Lead), id, json, SnapshotJson.DeserializeLead) with { Version = version };
        return StoredValues.Rebuild(nameof(Lead), id, () => Lead.FromSnapshot(snapshot));
    }
}
