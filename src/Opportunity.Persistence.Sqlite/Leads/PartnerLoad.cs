using System.Text.Json;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Opportunity.Leads;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

/// <summary>The open-lead counters per partner (<c>partner_load</c>, migration 5): the refusal of a lead beyond capacity, and their first filling.</summary>
internal static class PartnerLoad
{
    /// <summary>The refusal of the partner_load trigger as a typed error, with the partner's count and capacity read in the same transaction.</summary>
    internal static async Task<Exception> AtCapacityAsync(SqliteConnection connection, SqliteTransaction transaction, AggregateRoot aggregate, IReadOnlyList<(string Column, object? Value)> columns, CancellationToken cancellationToken)
    {
        var partner = (string)columns.First(c => c.Column == "assigned_partner").Value!;
        using var probe = Command(
            connection,
            transaction,
            """
            SELECT (SELECT open_leads FROM partner_load WHERE tenant = $tenant AND partner = $partner),
                   (SELECT json_extract(document, '$.capacity') FROM partners WHERE tenant = $tenant AND id = $partner);
            """,
            ("$tenant", aggregate.Tenant.Value),
            ("$partner", partner));
        using var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PartnerAtCapacityException(aggregate.Tenant, new PartnerId(partner), aggregate.AggregateId, reader.IsDBNull(0) ? 0 : reader.GetInt32(0), reader.IsDBNull(1) ? 0 : reader.GetInt32(1));
    }

    /// <summary>
    /// Part of migration 5's transaction: fills <c>leads.assigned_at</c> from each lead's document (a
    /// document that cannot be read keeps it null: it is quarantined when first read, not here), then the
    /// counters from the state columns, so an upgraded database starts with counts equal to its leads.
    /// </summary>
    internal static async Task FillPartnerLoadAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var assigned = new List<(string Tenant, string Id, string At)>();
        using (var select = Command(connection, transaction, "SELECT tenant, id, document FROM leads WHERE assigned_partner IS NOT NULL;"))
        using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (AssignedAtOf(reader.GetString(2)) is { } at)
                {
                    assigned.Add((reader.GetString(0), reader.GetString(1), SqliteText.Of(at, nameof(Lead), reader.GetString(1), nameof(Lead.AssignedAt))));
                }
            }
        }

        using (var update = Command(connection, transaction, "UPDATE leads SET assigned_at = $at WHERE tenant = $tenant AND id = $id;", ("$at", null), ("$tenant", null), ("$id", null)))
        {
            foreach (var (tenant, id, at) in assigned)
            {
                update.Parameters["$at"].Value = at;
                update.Parameters["$tenant"].Value = tenant;
                update.Parameters["$id"].Value = id;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(
            connection,
            transaction,
            """
            INSERT INTO partner_load (tenant, partner, open_leads, last_assigned_at)
            SELECT tenant, assigned_partner, SUM(state IN ('Assigned', 'Accepted')), MAX(assigned_at) FROM leads
            WHERE assigned_partner IS NOT NULL GROUP BY tenant, assigned_partner;
            """,
            cancellationToken).ConfigureAwait(false);
    }

    // The assignedAt member of a lead document, or null when absent or unreadable.
    private static Instant? AssignedAtOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("assignedAt", out var value) && value.ValueKind == JsonValueKind.String
                && InstantPattern.ExtendedIso.Parse(value.GetString()!) is { Success: true } parsed
                ? parsed.Value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
