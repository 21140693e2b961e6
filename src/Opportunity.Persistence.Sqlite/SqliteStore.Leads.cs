using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

public sealed partial class SqliteStore
{
    // The lead states in which the assigned partner may see a lead (AccessScope rules).
    private const string PartnerVisibleStates = "('Assigned', 'Accepted', 'Converted')";

    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadScope(scope);
        return FindDocumentAsync("leads", where, parameters, id.Value, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = LeadScope(scope);
        if (query.States is { Count: 0 })
        {
            return AsyncEnumerable.Empty<Lead>();
        }

        if (query.States is { } states)
        {
            var names = states.Distinct().Select((s, i) => ($"$state{i}", (object?)s.ToString())).ToList();
            where += $" AND state IN ({string.Join(", ", names.Select(n => n.Item1))})";
            parameters.AddRange(names);
        }

        if (query.Partner is { } partner)
        {
            where += " AND assigned_partner = $partner";
            parameters.Add(("$partner", partner.Value));
        }

        return QueryDocumentsAsync(StoredRecordKind.Lead, "leads", scope.Tenant, where, parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = LeadScope(scope);
        var terms = DuplicateKeyColumns(keys).Where(c => c.Value is not null).ToList();
        if (terms.Count == 0)
        {
            return AsyncEnumerable.Empty<Lead>();
        }

        // One lookup per key in its own partial (tenant, key) index, as a subquery: written as an OR, SQLite
        // (without ANALYZE statistics) prefers a range scan of the tenant's primary key, i.e. of all its leads.
        parameters.AddRange(terms.Select(t => ("$" + t.Column, t.Value)));
        var ids = string.Join(" UNION ALL ", terms.Select(t => $"SELECT id FROM leads WHERE tenant = $tenant AND {t.Column} = ${t.Column}"));
        return QueryDocumentsAsync(StoredRecordKind.Lead, "leads", scope.Tenant, $"{where} AND id IN ({ids})", parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        (await ((ILeadStore)this).ClaimDueBatchAsync(claim, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    Task<DueWorkBatch<Lead>> ILeadStore.ClaimDueBatchAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        ClaimDueRowsAsync(StoredRecordKind.Lead, "leads", claim, (_, id, version, json) => ToLead(id, version, json), cancellationToken);

    private Task SaveLeadAsync(Lead lead, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => SaveAsync(LeadRow(lead), cancellationToken, operation);

    private static AggregateRow LeadRow(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var snapshot = lead.ToSnapshot() with { Version = lead.Version + 1 };
        return new AggregateRow(
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
    private static (string Column, object? Value)[] DuplicateKeyColumns(DuplicateKeys keys) =>
        [("dup_company", keys.Company), ("dup_email_domain", keys.EmailDomain), ("dup_phone", keys.Phone)];

    /// <summary>Fills the duplicate-key columns of every stored lead; part of migration 3's transaction.</summary>
    private static async Task IndexStoredLeadKeysAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
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

    private static (string Where, List<(string Name, object? Value)> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ($"tenant = $tenant AND assigned_partner = $scopePartner AND state IN {PartnerVisibleStates}", [("$tenant", scope.Tenant.Value), ("$scopePartner", partner.Value)])
            : ("tenant = $tenant", [("$tenant", scope.Tenant.Value)]);

    private static Lead ReadLead(Microsoft.Data.Sqlite.SqliteDataReader reader) => ToLead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private static Lead ToLead(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(Lead), id, json, SnapshotJson.DeserializeLead) with { Version = version };
        return StoredValues.Rebuild(nameof(Lead), id, () => Lead.FromSnapshot(snapshot));
    }
}
