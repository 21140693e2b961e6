using System.Text.Json;
using Opportunity.Leads;
using Opportunity.Pipelines;
using Opportunity.Routing;

namespace Opportunity.Persistence.AdapterSupport;

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

    /// <summary>
    /// The <c>products</c> column of an opportunity: its <see cref="ProductAmount"/>s as a JSON array
    /// of <c>[product, amount in minor units]</c> pairs, e.g. <c>[["pump",70000],["service",9000]]</c>;
    /// null when it has no lines. Kept in the opportunity's own row, so every write path of the row
    /// (save, conversion, bulk import) keeps it in step and row-level security covers it, and a
    /// database expands it for the grouping by product (<c>json_each</c>, <c>jsonb_array_elements</c>).
    /// </summary>
    public static string? ProductsColumn(SalesOpportunitySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var products = ProductAmount.OfLines(snapshot.Lines);
        if (products.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var product in products)
            {
                json.WriteStartArray();
                json.WriteStringValue(product.Product);
                json.WriteNumberValue(product.AmountMinorUnits);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a <c>products</c> column written by <see cref="ProductsColumn"/>; null for null.</summary>
    /// <exception cref="StoreDataException">The column is not an array of [text, whole number] pairs (field <c>Products</c>).</exception>
    public static IReadOnlyList<ProductAmount>? ReadProducts(string? id, string? column)
    {
        if (column is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(column);
            return [.. document.RootElement.EnumerateArray().Select(pair => new ProductAmount(pair[0].GetString()!, pair[1].GetInt64()))];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new StoreDataException(nameof(SalesOpportunity), id, "Products", $"The stored products column cannot be read: {ex.Message}", ex);
        }
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
        catch (Exception ex) when (ex is ArgumentException or UnknownCurrencyException)
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
        // What the model throws for a value it refuses (its argument checks and its typed input and rule
        // errors), an unknown pipeline or a member a foreign document left null: all about this one
        // record, so the store must be able to set it aside.
        catch (Exception ex) when (ex is ArgumentException or InvalidInputException or DomainRuleException or EntityNotFoundException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException or NullReferenceException)
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

    /// <summary>Length in bytes of <see cref="OutboxIdHash"/>: 16.</summary>
    public const int OutboxIdHashLength = 16;

    /// <summary>
    /// The key under which a store remembers the id of a purged outbox message
    /// (<see cref="IOutboxStore.PurgeDeliveredAsync"/>): the first 16 bytes of the SHA-256 of the
    /// tenant's and the id's UTF-8 bytes with a zero byte between them. Narrow and of fixed size
    /// whatever the id's length; 128 bits make a collision (which would drop a new message as a
    /// duplicate) negligible (about 10⁻¹⁸ after 10¹⁰ messages). PostgreSQL computes the same value
    /// as <c>substring(sha256(convert_to(tenant, 'UTF8') || '\x00'::bytea || convert_to(id, 'UTF8')) from 1 for 16)</c>.
    /// </summary>
    public static byte[] OutboxIdHash(TenantId tenant, string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var encoding = System.Text.Encoding.UTF8;
        var input = new byte[encoding.GetByteCount(tenant.Value) + 1 + encoding.GetByteCount(messageId)];
        var written = encoding.GetBytes(tenant.Value, input);
        input[written] = 0;
        encoding.GetBytes(messageId, input.AsSpan(written + 1));
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(input, hash);
        return hash[..OutboxIdHashLength].ToArray();
    }

    /// <summary>
    /// A stored decision with its stored summary (<see cref="RoutingDecisionSummary.ToBytes"/>): the
    /// explanation is printed from the summary when the stored text is empty (a store keeps the
    /// summary instead of the text, see <see cref="RoutingDecisionRecord.HasDerivedExplanation"/>),
    /// else the stored text is kept.
    /// </summary>
    /// <exception cref="StoreDataException">The summary cannot be read (field <c>Summary</c>), e.g. written by a newer version.</exception>
    public static RoutingDecisionRecord WithRoutingSummary(RoutingDecisionRecord stored, ReadOnlySpan<byte> summary)
    {
        ArgumentNullException.ThrowIfNull(stored);
        RoutingDecisionSummary read;
        try
        {
            read = RoutingDecisionSummary.FromBytes(summary);
        }
        catch (FormatException ex)
        {
            throw new StoreDataException(RoutingDecisionEntity, stored.Lead.Value, nameof(RoutingDecisionRecord.Summary), $"The stored routing decision summary cannot be read: {ex.Message}", ex);
        }

        var record = RoutingDecisionRecord.FromSummary(stored.Lead, stored.At, stored.RuleSet, stored.RuleSetVersion, stored.Outcome, stored.Partners, stored.Seed, stored.UnroutableReason, read);
        return stored.Explanation.Length == 0 ? record : record with { Explanation = stored.Explanation };
    }
}
