using System.Text.Json;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace Opportunity.Persistence;

/// <summary>
/// Conversions every persistence adapter needs between aggregates and stored columns, with the
/// typed errors of <see cref="StoreDataException"/>: so SQLite, PostgreSQL and your own adapter
/// refuse and report the same things.
/// </summary>
public static class StoredValues
{
    /// <summary>The opportunity's amount in minor units, as the 64-bit integer column stores it.</summary>
    /// <exception cref="StoreDataException">The amount is negative or above <see cref="Money.MaxDealMinorUnits"/> (field <c>Amount</c>).</exception>
    public static long AmountMinorUnits(SalesOpportunitySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Amount.IsValidDealAmount)
        {
            throw new StoreDataException(nameof(SalesOpportunity), snapshot.Id.Value, nameof(snapshot.Amount), $"Amount {snapshot.Amount} is outside the range of one deal, 0 to {Money.MaxDealAmount(snapshot.Amount.Currency)}.");
        }

        return snapshot.Amount.MinorUnits;
    }

    /// <summary>Reads a stored JSON document with <paramref name="read"/> (e.g. <see cref="SnapshotJson.DeserializeLead"/>).</summary>
    /// <exception cref="StoreDataException">The document cannot be read (field <c>document</c>), naming the entity and id.</exception>
    public static T ReadDocument<T>(string entity, string id, string json, Func<string, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read(json);
        }
        catch (JsonException ex)
        {
            throw new StoreDataException(entity, id, "document", $"The stored JSON document cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The entity name stored routing decisions are reported under in <see cref="StoreDataException"/>.</summary>
    public const string RoutingDecisionEntity = "RoutingDecision";

    /// <summary>A routing outcome as the text column stores it: its name (<c>Assigned</c>, <c>Broadcast</c>, <c>Unroutable</c>).</summary>
    /// <exception cref="StoreDataException">The value is not a defined outcome (entity <c>RoutingDecision</c>, field <c>Outcome</c>).</exception>
    public static string RoutingOutcomeName(string lead, RoutingOutcome outcome) =>
        Enum.IsDefined(outcome)
            ? outcome.ToString()
            : throw new StoreDataException(RoutingDecisionEntity, lead, nameof(RoutingDecisionRecord.Outcome), $"Routing outcome {(int)outcome} is not defined.");

    /// <summary>The stored name of a routing outcome as the enum.</summary>
    /// <exception cref="StoreDataException">The text names no outcome (entity <c>RoutingDecision</c>, field <c>Outcome</c>), e.g. written by a newer version.</exception>
    public static RoutingOutcome ReadRoutingOutcome(string lead, string text) =>
        Enum.TryParse<RoutingOutcome>(text, ignoreCase: false, out var outcome) && Enum.IsDefined(outcome) && !char.IsAsciiDigit(text[0])
            ? outcome
            : throw new StoreDataException(RoutingDecisionEntity, lead, nameof(RoutingDecisionRecord.Outcome), $"Unknown routing outcome '{text}'.");
}
