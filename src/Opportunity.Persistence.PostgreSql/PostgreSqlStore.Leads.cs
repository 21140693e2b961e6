using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence.PostgreSql.Schema;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public Task<Lead?> FindAsync(AccessScope scope, LeadId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (where, parameters) = LeadScope(scope);
        return FindDocumentAsync(scope, "leads", where, parameters, id.Value, ReadLead, cancellationToken, LeadReadColumns);
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

        return QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", where, parameters, ReadLead, cancellationToken, LeadReadColumns);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<Lead> FindDuplicateCandidatesAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = LeadScope(scope);
        var any = new List<string>();
        foreach (var (column, value) in DuplicateKeyColumns(scope.Tenant, keys))
        {
            if (value is not null)
            {
                parameters.Add(value);
                any.Add($"{column} = ${parameters.Count}");
            }
        }

        // One indexed equality per key, OR-ed: PostgreSQL combines the partial indexes with a BitmapOr. The
        // indexes hold 64-bit hashes (migration 13): the keys are compared again, so a collision is never a candidate.
        return any.Count == 0
            ? AsyncEnumerable.Empty<Lead>()
            : QueryDocumentsAsync(StoredRecordKind.Lead, scope, "leads", $"{where} AND ({string.Join(" OR ", any)})", parameters, ReadLead, cancellationToken, LeadReadColumns)
                .Where(lead => keys.SharesAnyWith(DuplicateKeys.Normalised(lead.Details)));
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
        ClaimDueRowsAsync(StoredRecordKind.Lead, "leads", "claim_due_lead_rows", claim, reader => ToLead(reader, tenant: 0, id: 1, version: 2, document: 3, state: 4, partner: 5), cancellationToken);

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
                .. DuplicateKeyColumns(lead.Tenant, DuplicateKeys.Normalised(snapshot.Details)),
            ]);
    }

    // The indexed duplicate keys of a lead, always all three, free-mail domains included: since migration 13 each
    // as the 64-bit hash of tenant and key (DuplicateKeyHash) instead of migration 3's text.
    private static (string Column, object? Value)[] DuplicateKeyColumns(TenantId tenant, DuplicateKeys keys) =>
        [("dup_company_key", DuplicateKeyHash(tenant, keys.Company)), ("dup_email_domain_key", DuplicateKeyHash(tenant, keys.EmailDomain)), ("dup_phone_key", DuplicateKeyHash(tenant, keys.Phone))];

    /// <summary>
    /// A duplicate key as migration 13 indexes it: the first 8 bytes, big-endian, of the SHA-256 of tenant, a zero byte
    /// and key (<see cref="StoredValues.OutboxIdHash"/>), which the migration computes in SQL as
    /// <see cref="PostgreSqlMigrations.PurgedIdKey"/> of <see cref="PostgreSqlMigrations.PurgedIdHash"/>. The tenant
    /// in the hash lets the index leave the tenant out.
    /// </summary>
    private static long? DuplicateKeyHash(TenantId tenant, string? key) =>
        key is null ? null : BinaryPrimitives.ReadInt64BigEndian(StoredValues.OutboxIdHash(tenant, key));

    /// <summary>
    /// Fills the duplicate-key columns of every stored lead, in batches of unnested arrays; part of
    /// migration 3's transaction, which reads every tenant (<c>opportunity.system</c>, as FORCE RLS applies to the owner too).
    /// </summary>
    private async Task IndexStoredLeadKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "SELECT set_config('opportunity.system', 'on', true);", cancellationToken).ConfigureAwait(false);
        var rows = new List<(string Tenant, string Id, DuplicateKeys Keys)>();
        using (var select = new NpgsqlCommand($"SELECT {LeadReadColumns} FROM {_schema}.leads;", connection, transaction))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var lead = ReadLead(reader);
                rows.Add((lead.Tenant.Value, lead.Id.Value, DuplicateKeys.Normalised(lead.Details)));
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

    /// <summary>What a read of leads selects: the aggregate columns, then those the document leaves out (<see cref="LeadDocument"/>).</summary>
    private const string LeadReadColumns = DocumentColumns + ", tenant, state, assigned_partner";

    private static Lead ReadLead(NpgsqlDataReader reader) => ToLead(reader, tenant: 3, id: 0, version: 1, document: 2, state: 4, partner: 5);

    private static Lead ToLead(NpgsqlDataReader reader, int tenant, int id, int version, int document, int state, int partner)
    {
        var columns = new LeadColumns(reader.GetString(tenant), reader.GetString(id), reader.GetInt64(version), reader.GetString(state), reader.IsDBNull(partner) ? null : reader.GetString(partner));
        var snapshot = LeadDocument.Read(columns, reader.GetString(document));
        return StoredValues.Rebuild(nameof(Lead), columns.Id, () => Lead.FromSnapshot(snapshot));
    }
}
