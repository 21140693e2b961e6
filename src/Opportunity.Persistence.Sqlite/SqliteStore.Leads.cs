using Opportunity.Leads;

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
        return ReadOneAsync($"SELECT id, version, document FROM leads WHERE {where} AND id = $id;", [.. parameters, ("$id", id.Value)], ReadLead, cancellationToken);
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

        return ReadRowsAsync($"SELECT id, version, document FROM leads WHERE {where} ORDER BY id;", parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        await ClaimDueRowsAsync("leads", claim, (_, id, version, json) => ToLead(id, version, json), cancellationToken).ConfigureAwait(false);

    private Task SaveLeadAsync(Lead lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var snapshot = lead.ToSnapshot() with { Version = lead.Version + 1 };
        return SaveAsync(
            lead,
            "leads",
            SnapshotJson.Serialize(snapshot),
            [
                ("state", snapshot.State.ToString()),
                ("assigned_partner", snapshot.AssignedPartner?.Value),
                ("next_due_at", SqliteText.OfOrNull(snapshot.NextDueAt, nameof(Lead), lead.AggregateId, nameof(snapshot.NextDueAt))),
            ],
            cancellationToken);
    }

    private static (string Where, List<(string Name, object? Value)> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ($"tenant = $tenant AND assigned_partner = $scopePartner AND state IN {PartnerVisibleStates}", [("$tenant", scope.Tenant.Value), ("$scopePartner", partner.Value)])
            : ("tenant = $tenant", [("$tenant", scope.Tenant.Value)]);

    private static Lead ReadLead(Microsoft.Data.Sqlite.SqliteDataReader reader) => ToLead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private static Lead ToLead(string id, long version, string json) =>
        Lead.FromSnapshot(StoredValues.ReadDocument(nameof(Lead), id, json, SnapshotJson.DeserializeLead) with { Version = version });
}
