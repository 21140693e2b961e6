using System.Text.Json;
using Microsoft.Data.Sqlite;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Workflows;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The routing decision log of a <see cref="SqliteStore"/>: append-only <c>routing_decisions</c>, one sequence per lead.</summary>
internal sealed class SqliteRoutingDecisionLog(SqliteStore store) : IRoutingDecisionLog
{
    /// <summary>
    /// Appends a routing decision to <c>routing_decisions</c> as the next entry (<c>seq</c>) of its
    /// lead. The table is append-only: triggers refuse updates and deletes.
    /// </summary>
    /// <exception cref="StoreDataException">A value the table cannot hold (an undefined outcome, an instant before year 1), naming the field; nothing written.</exception>
    public Task AppendAsync(TenantId tenant, RoutingDecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var lead = record.Lead.Value;
        (string, object?)[] values =
        [
            ("$tenant", tenant.Value),
            ("$lead", lead),
            ("$at", SqliteText.Of(record.At, StoredValues.RoutingDecisionEntity, lead, nameof(record.At))),
            ("$ruleSet", record.RuleSet),
            ("$ruleSetVersion", record.RuleSetVersion),
            ("$outcome", StoredValues.RoutingOutcomeName(lead, record.Outcome)),
            ("$partners", PartnersJson(record.Partners)),
            ("$seed", record.Seed),
            ("$unroutableReason", record.UnroutableReason),
            // A summary is kept instead of its printed text (read back by printing it again); text
            // that is not the summary's own (a record written by hand) is kept as given.
            ("$explanation", record.HasDerivedExplanation ? string.Empty : record.Explanation),
            ("$summary", record.Summary?.ToBytes()),
        ];
        return store.WriteAsync(
            async (connection, transaction) =>
            {
                // One writer at a time (BEGIN IMMEDIATE), so the lead's next seq cannot be taken twice.
                using var command = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO routing_decisions (tenant, lead, seq, at, rule_set, rule_set_version, outcome, partners, seed, unroutable_reason, explanation, summary)
                    SELECT $tenant, $lead, coalesce(max(seq), 0) + 1, $at, $ruleSet, $ruleSetVersion, $outcome, $partners, $seed, $unroutableReason, $explanation, $summary
                    FROM routing_decisions WHERE tenant = $tenant AND lead = $lead;
                    """,
                    values);
                try
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
                {
                    throw ConstraintViolation(StoredValues.RoutingDecisionEntity, lead, ex);
                }
            },
            cancellationToken);
    }

    /// <summary>The lead's decisions in the order they were appended. The manufacturer's view of the tenant: there is no partner-scoped read.</summary>
    public Task<IReadOnlyList<RoutingDecisionRecord>> ForLeadAsync(TenantId tenant, LeadId lead, CancellationToken cancellationToken = default) =>
        store.ReadListAsync(
            "SELECT lead, at, rule_set, rule_set_version, outcome, partners, seed, unroutable_reason, explanation, summary FROM routing_decisions WHERE tenant = $tenant AND lead = $lead ORDER BY seq;",
            [("$tenant", tenant.Value), ("$lead", lead.Value)],
            ReadRoutingDecision,
            cancellationToken);

    private static string PartnersJson(IReadOnlyList<PartnerId> partners)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var partner in partners)
            {
                writer.WriteStringValue(partner.Value);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static RoutingDecisionRecord ReadRoutingDecision(SqliteDataReader reader)
    {
        var lead = reader.GetString(0);
        var record = new RoutingDecisionRecord(
            new LeadId(lead),
            SqliteText.ToInstant(reader.GetString(1)),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            StoredValues.ReadRoutingOutcome(lead, reader.GetString(4)),
            StoredValues.ReadDocument(StoredValues.RoutingDecisionEntity, lead, reader.GetString(5), ReadPartners),
            reader.GetInt64(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.GetString(8));

        // Rows before migration 7 have no summary and their full trace as text.
        return reader.IsDBNull(9) ? record : StoredValues.WithRoutingSummary(record, (byte[])reader.GetValue(9));
    }

    private static PartnerId[] ReadPartners(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? new PartnerId(e.GetString()!) : throw new JsonException($"A partner id must be a string, not {e.ValueKind}."))];
    }
}
