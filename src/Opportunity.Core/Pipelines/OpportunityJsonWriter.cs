using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>
/// Writes the JSON of the most frequently written values — an opportunity's document and its
/// <see cref="OpportunityOpened"/> / <see cref="OpportunityClosed"/> events — without the
/// serializer's reflection-driven walk (about 9 µs per event and 4 µs per document, the largest
/// parts of a bulk import after SQLite's own work). It writes exactly what
/// <see cref="JsonSerializer"/> writes with the same options: the members in declaration order,
/// camel-case names, nulls left out, and every value through the very converter the options
/// resolve for its type (ids, money, probabilities, enums, NodaTime), so only the structure is
/// written by hand. Checked byte for byte against the serializer by FsCheck properties over
/// generated values (<c>OpportunityJsonWriterProperties</c>).
/// </summary>
internal sealed class OpportunityJsonWriter
{
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Tenant = JsonEncodedText.Encode("tenant");
    private static readonly JsonEncodedText Partner = JsonEncodedText.Encode("partner");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Amount = JsonEncodedText.Encode("amount");
    private static readonly JsonEncodedText ExpectedClose = JsonEncodedText.Encode("expectedClose");
    private static readonly JsonEncodedText PipelineId = JsonEncodedText.Encode("pipelineId");
    private static readonly JsonEncodedText Stage = JsonEncodedText.Encode("stage");
    private static readonly JsonEncodedText ProbabilityOverride = JsonEncodedText.Encode("probabilityOverride");
    private static readonly JsonEncodedText ForecastCategoryOverride = JsonEncodedText.Encode("forecastCategoryOverride");
    private static readonly JsonEncodedText Region = JsonEncodedText.Encode("region");
    private static readonly JsonEncodedText ProductLine = JsonEncodedText.Encode("productLine");
    private static readonly JsonEncodedText Lines = JsonEncodedText.Encode("lines");
    private static readonly JsonEncodedText Splits = JsonEncodedText.Encode("splits");
    private static readonly JsonEncodedText SourceLead = JsonEncodedText.Encode("sourceLead");
    private static readonly JsonEncodedText CustomerKeys = JsonEncodedText.Encode("customerKeys");
    private static readonly JsonEncodedText History = JsonEncodedText.Encode("history");
    private static readonly JsonEncodedText From = JsonEncodedText.Encode("from");
    private static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
    private static readonly JsonEncodedText At = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText Actor = JsonEncodedText.Encode("actor");
    private static readonly JsonEncodedText MetCriteria = JsonEncodedText.Encode("metCriteria");
    private static readonly JsonEncodedText CloseReason = JsonEncodedText.Encode("closeReason");
    private static readonly JsonEncodedText ClosedAt = JsonEncodedText.Encode("closedAt");
    private static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
    private static readonly JsonEncodedText StageEnteredAt = JsonEncodedText.Encode("stageEnteredAt");
    private static readonly JsonEncodedText LastActivityAt = JsonEncodedText.Encode("lastActivityAt");
    private static readonly JsonEncodedText NextDueAt = JsonEncodedText.Encode("nextDueAt");
    private static readonly JsonEncodedText Activities = JsonEncodedText.Encode("activities");
    private static readonly JsonEncodedText ClockPause = JsonEncodedText.Encode("clockPause");
    private static readonly JsonEncodedText ErasedAt = JsonEncodedText.Encode("erasedAt");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText EventCount = JsonEncodedText.Encode("eventCount");
    private static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText AggregateKind = JsonEncodedText.Encode("aggregateKind");
    private static readonly JsonEncodedText AggregateId = JsonEncodedText.Encode("aggregateId");
    private static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText OccurredAt = JsonEncodedText.Encode("occurredAt");
    private static readonly JsonEncodedText EventId = JsonEncodedText.Encode("eventId");
    private static readonly JsonEncodedText EventType = JsonEncodedText.Encode("eventType");

    // One buffer and writer per thread, reused: imports serialise on every core at once.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static JsonSerializerOptions? t_writerOptions;

    private readonly JsonSerializerOptions _options;
    private readonly JsonConverter<TenantId> _tenant;
    private readonly JsonConverter<PartnerId> _partner;
    private readonly JsonConverter<OpportunityId> _opportunity;
    private readonly JsonConverter<LeadId> _lead;
    private readonly JsonConverter<Money> _money;
    private readonly JsonConverter<Probability> _probability;
    private readonly JsonConverter<ForecastCategory> _category;
    private readonly JsonConverter<StageKind> _outcome;
    private readonly JsonConverter<LocalDate> _date;
    private readonly JsonConverter<Instant> _instant;

    /// <summary>A writer for read-only <paramref name="options"/>: the converters are the ones these options resolve.</summary>
    public OpportunityJsonWriter(JsonSerializerOptions options)
    {
        _options = options;
        _tenant = Converter<TenantId>(options);
        _partner = Converter<PartnerId>(options);
        _opportunity = Converter<OpportunityId>(options);
        _lead = Converter<LeadId>(options);
        _money = Converter<Money>(options);
        _probability = Converter<Probability>(options);
        _category = Converter<ForecastCategory>(options);
        _outcome = Converter<StageKind>(options);
        _date = Converter<LocalDate>(options);
        _instant = Converter<Instant>(options);
    }

    /// <summary>The document's UTF-8 bytes, as <c>JsonSerializer.SerializeToUtf8Bytes(snapshot, options)</c> writes them.</summary>
    public byte[] ToUtf8Bytes(SalesOpportunitySnapshot snapshot) => Write(snapshot, static (self, w, s) => self.WriteSnapshot(w, s)).ToArray();

    /// <summary>The document's text, as <c>JsonSerializer.Serialize(snapshot, options)</c> writes it.</summary>
    public string ToText(SalesOpportunitySnapshot snapshot) => Encoding.UTF8.GetString(Write(snapshot, static (self, w, s) => self.WriteSnapshot(w, s)));

    /// <summary>The event's text when it is one this writer knows (exact type), else null.</summary>
    public string? ToText(DomainEvent domainEvent) => domainEvent switch
    {
        OpportunityOpened opened => Encoding.UTF8.GetString(Write(opened, static (self, w, e) => self.WriteOpened(w, e))),
        OpportunityClosed closed => Encoding.UTF8.GetString(Write(closed, static (self, w, e) => self.WriteClosed(w, e))),
        _ => null,
    };

    private ReadOnlySpan<byte> Write<T>(T value, Action<OpportunityJsonWriter, Utf8JsonWriter, T> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        if (t_writer is null || !ReferenceEquals(t_writerOptions, _options))
        {
            // What JsonSerializer writes with: the options' encoder, not indented, no validation.
            t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _options.Encoder, Indented = _options.WriteIndented, MaxDepth = _options.MaxDepth, SkipValidation = true });
            t_writerOptions = _options;
        }
        else
        {
            t_writer.Reset(buffer);
        }

        write(this, t_writer, value);
        t_writer.Flush();
        return buffer.WrittenSpan;
    }

    private void WriteSnapshot(Utf8JsonWriter w, SalesOpportunitySnapshot s)
    {
        w.WriteStartObject();
        Value(w, Id, s.Id, _opportunity);
        Value(w, Tenant, s.Tenant, _tenant);
        Value(w, Partner, s.Partner, _partner);
        Text(w, Name, s.Name);
        Value(w, Amount, s.Amount, _money);
        Value(w, ExpectedClose, s.ExpectedClose, _date);
        Text(w, PipelineId, s.PipelineId);
        Text(w, Stage, s.Stage);
        Optional(w, ProbabilityOverride, s.ProbabilityOverride, _probability);
        Optional(w, ForecastCategoryOverride, s.ForecastCategoryOverride, _category);
        Text(w, Region, s.Region);
        Text(w, ProductLine, s.ProductLine);

        // Rare (most deals have neither): the serializer writes them, and only when present.
        if (s.Lines is { } lines)
        {
            w.WritePropertyName(Lines);
            JsonSerializer.Serialize(w, lines, _options);
        }

        if (s.Splits is { } splits)
        {
            w.WritePropertyName(Splits);
            JsonSerializer.Serialize(w, splits, _options);
        }

        Optional(w, SourceLead, s.SourceLead, _lead);
        if (s.CustomerKeys is { } customer)
        {
            w.WritePropertyName(CustomerKeys);
            JsonSerializer.Serialize(w, customer, _options);
        }

        if (s.History is { } history)
        {
            w.WriteStartArray(History);
            foreach (var change in history)
            {
                WriteChange(w, change);
            }

            w.WriteEndArray();
        }

        if (s.MetCriteria is { } criteria)
        {
            w.WriteStartArray(MetCriteria);
            foreach (var criterion in criteria)
            {
                w.WriteStringValue(criterion);
            }

            w.WriteEndArray();
        }

        Text(w, CloseReason, s.CloseReason);
        Optional(w, ClosedAt, s.ClosedAt, _instant);
        Value(w, CreatedAt, s.CreatedAt, _instant);
        Value(w, StageEnteredAt, s.StageEnteredAt, _instant);
        Value(w, LastActivityAt, s.LastActivityAt, _instant);
        Optional(w, NextDueAt, s.NextDueAt, _instant);
        if (s.Activities is { } activities)
        {
            // Partner activities: the serializer writes them, and only when there are some.
            w.WritePropertyName(Activities);
            JsonSerializer.Serialize(w, activities, _options);
        }

        if (s.ClockPause is { } pause)
        {
            // Rare: the serializer writes it, exactly as it would inside the whole snapshot.
            w.WritePropertyName(ClockPause);
            JsonSerializer.Serialize(w, pause, _options);
        }

        Optional(w, ErasedAt, s.ErasedAt, _instant);
        w.WriteNumber(Version, s.Version);
        w.WriteNumber(EventCount, s.EventCount);
        w.WriteEndObject();
    }

    private void WriteChange(Utf8JsonWriter w, StageChange? change)
    {
        if (change is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        Text(w, From, change.From);
        Text(w, To, change.To);
        Value(w, At, change.At, _instant);
        Text(w, Actor, change.Actor);
        w.WriteEndObject();
    }

    private void WriteOpened(Utf8JsonWriter w, OpportunityOpened e)
    {
        w.WriteStartObject();
        Value(w, Partner, e.Partner, _partner);
        Value(w, Amount, e.Amount, _money);
        Text(w, Stage, e.Stage);
        Value(w, ExpectedClose, e.ExpectedClose, _date);
        Text(w, PipelineId, e.PipelineId);
        Text(w, Region, e.Region);
        Text(w, ProductLine, e.ProductLine);
        Optional(w, ProbabilityOverride, e.ProbabilityOverride, _probability);
        Optional(w, ForecastCategoryOverride, e.ForecastCategoryOverride, _category);
        WriteEventBase(w, e);
        w.WriteEndObject();
    }

    private void WriteClosed(Utf8JsonWriter w, OpportunityClosed e)
    {
        w.WriteStartObject();
        Value(w, Outcome, e.Outcome, _outcome);
        Text(w, Stage, e.Stage);
        Text(w, Reason, e.Reason);
        Value(w, Amount, e.Amount, _money);
        WriteEventBase(w, e);
        w.WriteEndObject();
    }

    // DomainEvent's members come after the concrete type's, as the serializer orders them.
    private void WriteEventBase(Utf8JsonWriter w, DomainEvent e)
    {
        Value(w, Tenant, e.Tenant, _tenant);
        Text(w, AggregateKind, e.AggregateKind);
        Text(w, AggregateId, e.AggregateId);
        w.WriteNumber(Sequence, e.Sequence);
        Value(w, OccurredAt, e.OccurredAt, _instant);
        Text(w, Actor, e.Actor);
        Text(w, EventId, e.EventId);
        Text(w, EventType, e.EventType);
    }

    private static void Text(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private void Value<T>(Utf8JsonWriter w, JsonEncodedText name, T value, JsonConverter<T> converter)
    {
        w.WritePropertyName(name);
        converter.Write(w, value, _options);
    }

    private void Optional<T>(Utf8JsonWriter w, JsonEncodedText name, T? value, JsonConverter<T> converter)
        where T : struct
    {
        if (value is { } present)
        {
            Value(w, name, present, converter);
        }
    }

    private static JsonConverter<T> Converter<T>(JsonSerializerOptions options) =>
        (JsonConverter<T>)options.GetConverter(typeof(T));
}
