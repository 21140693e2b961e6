using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Serialization;

/// <summary>
/// The hand-written JSON of opportunity documents and of the <see cref="OpportunityOpened"/> /
/// <see cref="OpportunityClosed"/> events (what every import writes per row) is byte for byte what
/// the reflection serializer writes with the same options, whatever the values: every optional
/// member set or not, text needing escapes, any amount, probability, date and instant (sub-second
/// parts included), an event not yet stamped by its aggregate.
/// </summary>
public sealed class OpportunityJsonWriterProperties
{
    private static readonly Instant Base = Instant.FromUtc(2025, 3, 3, 9, 0, 0);

    [Property(MaxTest = 300)]
    public void Serialize_AnySnapshot_EqualsReflectionSerializer(NonEmptyString id, string? nameText, string? regionText, string? reasonText, long minor, int basisPoints, bool optional, byte stage, byte category)
    {
        var (name, region, reason) = (GeneratedText.Text(nameText), GeneratedText.Text(regionText), GeneratedText.Text(reasonText));
        var stages = PipelineDefinition.Default.Stages;
        var snapshot = new SalesOpportunitySnapshot
        {
            Id = new OpportunityId(GeneratedText.Id(id.Get, "opp")),
            Tenant = new TenantId("tenant-a"),
            Partner = new PartnerId(optional ? "p-1" : "Partner-\u00e9"),
            Name = name,
            Amount = Money.FromMinorUnits(Math.Abs(minor % Money.MaxDealMinorUnits), optional ? CurrencyCode.EUR : new CurrencyCode("JPY")),
            ExpectedClose = new LocalDate(2025, 1, 1).PlusDays(basisPoints % 300_000),
            PipelineId = "default",
            Stage = stages[stage % stages.Count].Name,
            ProbabilityOverride = optional ? Probability.FromBasisPoints(Math.Abs(basisPoints % 10_001)) : null,
            ForecastCategoryOverride = category % 6 == 5 ? null : (ForecastCategory)(category % 6),
            Region = region,
            ProductLine = optional ? reason : null,
            SourceLead = optional ? null : new LeadId("L-" + (minor % 1000)),
            History = optional ? [] : [new StageChange(null, stages[0].Name, At(minor), "import"), new StageChange(stages[0].Name, stages[stage % stages.Count].Name, At(basisPoints), reason ?? "system")],
            MetCriteria = optional ? ["budget", reason ?? "x"] : [],
            CloseReason = reason,
            ClosedAt = optional ? At(minor) : null,
            CreatedAt = At(minor),
            StageEnteredAt = At(basisPoints),
            LastActivityAt = Base,
            NextDueAt = optional ? null : At(minor / 7),
            ClockPause = optional ? new ClockPause(At(minor / 3), reason ?? "waiting") { HeldDueAt = category % 2 == 0 ? null : At(minor / 5) } : null,
            Version = basisPoints,
            EventCount = minor,
        };

        var reflection = JsonSerializer.Serialize(snapshot, SnapshotJson.Options);

        Assert.Equal(reflection, SnapshotJson.Serialize(snapshot));
        Assert.Equal(Encoding.UTF8.GetBytes(reflection), SnapshotJson.SerializeToUtf8Bytes(snapshot));
    }

    [Property(MaxTest = 300)]
    public void Serialize_AnyOpportunityOpened_EqualsReflectionSerializer(string? regionText, string? productText, string? stageText, long minor, int basisPoints, bool optional, bool stamped, byte category)
    {
        var opened = new OpportunityOpened(new PartnerId("p-" + (basisPoints % 50)), Money.FromMinorUnits(Math.Abs(minor % Money.MaxDealMinorUnits), optional ? CurrencyCode.USD : CurrencyCode.EUR), GeneratedText.Text(stageText) ?? "Proposal", new LocalDate(2024, 2, 29).PlusDays(basisPoints % 100_000))
        {
            PipelineId = optional ? "default" : null,
            Region = GeneratedText.Text(regionText),
            ProductLine = GeneratedText.Text(productText),
            ProbabilityOverride = optional ? Probability.FromBasisPoints(Math.Abs(basisPoints % 10_001)) : null,
            ForecastCategoryOverride = category % 6 == 5 ? null : (ForecastCategory)(category % 6),
        };
        DomainEvent e = stamped ? Stamp(opened, minor, GeneratedText.Text(regionText)) : opened;

        Assert.Equal(JsonSerializer.Serialize(e, e.GetType(), DomainEventSerializer.Options), DomainEventSerializer.Serialize(e));
    }

    [Property(MaxTest = 300)]
    public void Serialize_AnyOpportunityClosed_EqualsReflectionSerializer(string? reasonText, long minor, bool won, bool stamped)
    {
        var closed = new OpportunityClosed(won ? StageKind.Won : StageKind.Lost, won ? "Closed won" : "Closed lost", GeneratedText.Text(reasonText) ?? "Imported as 'Closed lost'", Money.FromMinorUnits(Math.Abs(minor % Money.MaxDealMinorUnits), CurrencyCode.EUR));
        DomainEvent e = stamped ? Stamp(closed, minor, GeneratedText.Text(reasonText)) : closed;

        Assert.Equal(JsonSerializer.Serialize(e, e.GetType(), DomainEventSerializer.Options), DomainEventSerializer.Serialize(e));
    }

    [Fact]
    public void Serialize_ImportedOpportunity_RoundTripsThroughTheReader()
    {
        var opened = Stamp(new OpportunityOpened(new PartnerId("p-1"), Money.FromMinorUnits(1_250_050, CurrencyCode.EUR), "Proposal", new LocalDate(2025, 5, 1)) { PipelineId = "default", Region = "DE-South", ProbabilityOverride = Probability.FromBasisPoints(3500) }, 3, "x");

        var read = (OpportunityOpened)DomainEventSerializer.Deserialize(opened.EventType, DomainEventSerializer.Serialize(opened));

        Assert.Equal(opened, read);
    }

    private static T Stamp<T>(T e, long minor, string? actor)
        where T : DomainEvent =>
        e with { Tenant = new TenantId(actor is null ? "acme" : "a/b@c%d"), AggregateKind = "SalesOpportunity", AggregateId = "opp-" + minor, Sequence = Math.Abs(minor % 3) + 1, OccurredAt = At(minor), Actor = actor ?? "import" };

    // Instants with sub-second parts down to the tick, before and after the base.
    private static Instant At(long offset) => Base + Duration.FromTicks(offset % 1_000_000_000_000L);
}
