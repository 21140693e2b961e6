using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadScope(scope);
        return FindDocumentAsync(scope, "leads", where, parameters, id.Value, ReadLead, cancellationToken);
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

        return QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", where, parameters, ReadLead, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = LeadScope(scope);
        var any = new List<string>();
        foreach (var (column, value) in DuplicateKeyColumns(keys))
        {
            if (value is not null)
            {
                parameters.Add(value);
                any.Add($"{column} = ${parameters.Count}");
            }
        }

        // One indexed equality per key, OR-ed: PostgreSQL combines the partial indexes with a BitmapOr.
        return any.Count == 0
            ? AsyncEnumerable.Empty<Lead>()
            : QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", $"{where} AND ({string.Join(" OR ", any)})", parameters, ReadLead, cancellationToken);
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
        ClaimDueRowsAsync(StoredRecordKind.Lead, "leads", claim, ToLead, cancellationToken);

    private Task SaveLeadAsync(Lead lead, CancellationToken cancellationToken, [CallerMemberName] string operation = "") => SaveAsync(LeadRow(lead), cancellationToken, operation);

    private static AggregateRow LeadRow(Lead lead)
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
                .. DuplicateKeyColumns(DuplicateKeys.Normalised(snapshot.Details)),
            ]);
    }

    // The indexed duplicate keys of a lead (migration 3), always all three, free-mail domains included.
    private static (string Column, object? Value)[] DuplicateKeyColumns(DuplicateKeys keys) =>
        [("dup_company", keys.Company), ("dup_email_domain", keys.EmailDomain), ("dup_phone", keys.Phone)];

    /// <summary>
    /// Fills the duplicate-key columns of every stored lead, in batches of unnested arrays; part of
    /// migration 3's transaction, which reads every tenant (<c>opportunity.system</c>, as FORCE RLS applies to the owner too).
    /// </summary>
    private async Task IndexStoredLeadKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, DuplicateKeys Keys)>();
        using (var select = new NpgsqlCommand($"SELECT tenant, id, document::text FROM {_schema}.leads;", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(1);
                var snapshot = StoredValues.ReadDocument(nameof(Lead), id, reader.GetString(2), SnapshotJson.DeserializeLead);
                rows.Add((reader.GetString(0), id, DuplicateKeys.Normalised(snapshot.Details)));
            }
        }

        foreach (var batch in rows.Chunk(5_000))
        {
            using var update = Command(
                connection,
                transaction,
                $"""
                UPDATE {_schema}.leads l SET dup_company = k.company, dup_email_domain = k.domain, dup_phone = k.phone
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(tenant, id, company, domain, phone)
                WHERE l.tenant = k.tenant AND l.id = k.id;
                """,
                [
                    batch.Select(r => r.Tenant).ToArray(), batch.Select(r => r.Id).ToArray(), batch.Select(r => r.Keys.Company).ToArray(),
                    batch.Select(r => r.Keys.EmailDomain).ToArray(), batch.Select(r => r.Keys.Phone).ToArray(),
                ]);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'off', true);", cancellationToken).ConfigureAwait(false);
    }

    // The scope is checked in the query and again by row-level security.
    private static (string Where, List<object?> Parameters) LeadScope(AccessScope scope) =>
        scope.Partner is { } partner
            ? ("tenant = $1 AND assigned_partner = $2 AND state IN ('Assigned', 'Accepted', 'Converted')", [scope.Tenant.Value, partner.Value])
            : ("tenant = $1", [scope.Tenant.Value]);

    private static Lead ReadLead(NpgsqlDataReader reader) => ToLead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2));

    private static Lead ToLead(string id, long version, string json)
    {
        var snapshot = StoredValues.ReadDocument(nameof(Lead), id, json, SnapshotJson.DeserializeLead) with { Version = version };
        return StoredValues.Rebuild(nameof(Lead), id, () => Lead.FromSnapshot(snapshot));
    }
}
