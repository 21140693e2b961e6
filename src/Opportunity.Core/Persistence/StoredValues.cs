using System.Text.Json;
using Opportunity.Leads;
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
            // Name the field when a value type refused it (an unknown currency, invalid text).
            var field = ex.InnerException switch
            {
                UnknownCurrencyException => "Currency",
                InvalidTextException text => text.Field,
                _ => "document",
            };
            throw new StoreDataException(entity, id, field, $"The stored JSON document cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a currency code stored in a column.</summary>
    /// <exception cref="StoreDataException">The code is not a known currency (field <c>Currency</c>), e.g. written by hand or before it was refused.</exception>
    public static CurrencyCode ReadCurrency(string entity, string? id, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        try
        {
            return new CurrencyCode(code);
        }
        catch (ArgumentException ex)
        {
            throw new StoreDataException(entity, id, "Currency", ex.Message, ex);
        }
    }

    /// <summary>
    /// Rebuilds an aggregate from a document already read (e.g. <c>Lead.FromSnapshot</c>), turning a
    /// refusal of the model (an invalid value, an unknown pipeline) into <see cref="StoreDataException"/>
    /// (field <c>document</c>), so a store meets every unreadable record with the same typed error and
    /// can quarantine it (see <see cref="IRecordQuarantine"/>).
    /// </summary>
    /// <exception cref="StoreDataException">The record cannot be rebuilt.</exception>
    public static T Rebuild<T>(string entity, string id, Func<T> rebuild)
    {
        ArgumentNullException.ThrowIfNull(rebuild);
        try
        {
            return rebuild();
        }
        // What the model throws for a value it refuses, an unknown pipeline (KeyNotFoundException) or a member a
        // foreign document left null: all about this one record, so the store must be able to set it aside.
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException or NullReferenceException)
        {
            throw new StoreDataException(entity, id, "document", $"The stored document cannot be rebuilt: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether a lead in <paramref name="state"/> counts toward its partner's capacity: Assigned
    /// (waiting for acceptance) and Accepted (being worked). Offered (a broadcast: no partner holds it
    /// yet), Converted and every other state do not.
    /// </summary>
    public static bool CountsTowardCapacity(LeadState state) => state is LeadState.Assigned or LeadState.Accepted;

    /// <summary>The lead states that count toward capacity (<see cref="CountsTowardCapacity"/>), for queries.</summary>
    public static IReadOnlyList<LeadState> OpenLeadStates { get; } = [LeadState.Assigned, LeadState.Accepted];

    /// <summary>The partner whose capacity a lead in this state uses, or null.</summary>
    public static PartnerId? CapacityHolder(LeadState state, PartnerId? assignedPartner) => CountsTowardCapacity(state) ? assignedPartner : null;

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
