using Npgsql;
using Opportunity.Leads;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadScope(scope);
        parameters.Add(id.Value);
        return ReadOneAsync(DbScope.Of(scope), $"SELECT id, version, document::text FROM {_schema}.leads WHERE {where} AND id = ${parameters.Count};", parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> QueryAsync(AccessScope scope, LeadQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = LeadScope(scope);
        if (query.States is { } states)
        {
            parameters.Add(states.Select(s => s.ToString()).Distinct().ToArray());
            where += $" AND state = ANY(${parameters.Count})";
        }

        if (query.Partner is { } partner)
        {
            parameters.Add(partner.Value);
            where += $" AND assigned_partner = ${parameters.Count}";
        }

        return ReadRowsAsync(DbScope.Of(scope), $"SELECT id, version, document::text FROM {_schema}.leads WHERE {where} ORDER BY id;", parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAsync(Lead lead, CancellationToken cancellationToken = default) => SaveLeadAsync(lead, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyList<Lead>> ILeadStore.ClaimDueAsync(DueWorkClaim claim, CancellationToken cancellationToken) =>
        await ClaimDueRowsAsync("leads", claim, ToLead, cancellationToken).ConfigureAwait(false);

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
                ("next_due_at", PgValues.CeilingOrNull(snapshot.NextDueAt)),
            ],
            cancellationToken);
    }

    // The scope is checked in the query and again by row-level security.
    private static (string Where, List<object?> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $1 AND assigned_partner = $2 AND state IN ('Assigned', 'Accepted', 'Converted')", [scope.Tenant.Value, partner.Value])
            : ("tenant = $1", [scope.Tenant.Value]);

    private static Lead ReadLead(NpgsqlDataReader reader) => ToLead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private static Lead ToLead(string id, long version, string json) =>
        Lead.FromSnapshot(StoredValues.ReadDocument(nameof(Lead), id, json, SnapshotJson.DeserializeLead) with { Version = version });
}
