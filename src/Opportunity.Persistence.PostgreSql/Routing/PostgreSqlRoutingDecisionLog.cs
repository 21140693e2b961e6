using NodaTime;
using Npgsql;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;
using static Opportunity.Persistence.PostgreSql.PgCommands;

namespace Opportunity.Persistence.PostgreSql;

/// <summary>The routing decision log (<see cref="IRoutingDecisionLog"/>) of a <see cref="PostgreSqlStore"/>: the append-only <c>routing_decisions</c> table.</summary>
internal sealed class PostgreSqlRoutingDecisionLog(PostgreSqlStore db) : IRoutingDecisionLog
{
    private readonly string _schema = db.SchemaName;

    private static readonly Instant FirstStorableInstant = Instant.FromUtc(1, 1, 1, 0, 0);

    /// <summary>
    /// Appends a routing decision to <c>routing_decisions</c> as the next entry (<c>seq</c>) of its
    /// lead; appends for the same lead from several hosts queue on a transaction-level advisory
    /// lock. The instant is stored exactly: <c>at</c> (microseconds) plus <c>at_nanos</c>. The
    /// table is append-only: row-level security admits inserts and reads in the manufacturer's
    /// scope, and no update or delete.
    /// </summary>
    /// <exception cref="StoreDataException">A value the table cannot hold (an undefined outcome, an instant before year 1, a NUL character in text), naming the field; nothing written.</exception>
    public Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var lead = record.Lead.Value;
        if (record.At < FirstStorableInstant)
        {
            throw new StoreDataException(StoredValues.RoutingDecisionEntity, lead, nameof(record.At), $"Instant {record.At} is before year 1, which the PostgreSQL store cannot hold.");
        }

        var at = PgValues.Floor(record.At);
        object?[] values =
        [
            Text(tenant.Value, lead, "Tenant"),
            Text(lead, lead, nameof(record.Lead)),
            at,
            (int)(record.At - PgValues.ToInstant(at)).ToInt64Nanoseconds(),
            Text(record.RuleSet, lead, nameof(record.RuleSet)),
            Text(record.RuleSetVersion, lead, nameof(record.RuleSetVersion)),
            StoredValues.RoutingOutcomeName(lead, record.Outcome),
            record.Partners.Select(p => Text(p.Value, lead, nameof(record.Partners))).ToArray(),
            record.Seed,
            Text(record.UnroutableReason, lead, nameof(record.UnroutableReason)),
            // A summary is kept instead of its printed text (read back by printing it again); text
            // that is not the summary's own (a record written by hand) is kept as given.
            record.HasDerivedExplanation ? string.Empty : Text(record.Explanation, lead, nameof(record.Explanation)),
            record.Summary?.ToBytes(),
        ];
        return db.RunAsync(
            DbScope.Of(tenant),
            async (connection, transaction) =>
            {
                using (var gate = Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", [$"{_schema}.routing_decisions/{tenant.Value}/{lead}"]))
                {
                    await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using var insert = Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO {_schema}.routing_decisions (tenant, lead, seq, at, at_nanos, rule_set, rule_set_version, outcome, partners, seed, unroutable_reason, explanation, summary)
                    SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::bytea
                    FROM {_schema}.routing_decisions WHERE tenant = $1 AND lead = $2;
                    """,
                    values);
                try
                {
                    return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal))
                {
                    throw ConstraintViolation(StoredValues.RoutingDecisionEntity, lead, ex);
                }
            },
            cancellationToken);
    }

    /// <summary>The lead's decisions in the order they were appended. The manufacturer's view of the tenant: there is no partner-scoped read, and row-level security shows partners none.</summary>
    public Task<IReadOnlyList<RoutingDecisionRecord>> ForLeadAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) =>
        db.ReadListAsync(
            DbScope.Of(tenant),
            $"SELECT lead, at, at_nanos, rule_set, rule_set_version, outcome, partners, seed, unroutable_reason, explanation, summary FROM {_schema}.routing_decisions WHERE tenant = $1 AND lead = $2 ORDER BY seq;",
            [tenant.Value, lead.Value],
            ReadRoutingDecision,
            cancellationToken);

    /// <summary>PostgreSQL text cannot hold U+0000: refuse it as a typed error rather than a server error.</summary>
    private static string? Text(string? value, string lead, string field) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new StoreDataException(StoredValues.RoutingDecisionEntity, lead, field, "PostgreSQL text cannot hold the NUL character (U+0000).")
            : value;

    private static RoutingDecisionRecord ReadRoutingDecision(NpgsqlDataReader reader)
    {
        var lead = reader.GetString(0);
        var record = new RoutingDecisionRecord(
            new LeadId(lead),
            PgValues.ToInstant(reader.GetDateTime(1)) + Duration.FromNanoseconds(reader.GetInt32(2)),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            StoredValues.ReadRoutingOutcome(lead, reader.GetString(5)),
            [.. reader.GetFieldValue<string[]>(6).Select(p => new PartnerId(p))],
            reader.GetInt64(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.GetString(9));

        // Rows before migration 7 have no summary and their full trace as text.
        return reader.IsDBNull(10) ? record : StoredValues.WithRoutingSummary(record, reader.GetFieldValue<byte[]>(10));
    }
}
