using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Persistence;

public sealed class SnapshotJsonTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2025, 3, 3, 9, 0, 0) + Duration.FromNanoseconds(123_456_789));

    [Fact]
    public void Lead_FullyPopulatedSnapshot_RoundTripsEveryProperty()
    {
        var snapshot = FullLead();

        var json = SnapshotJson.Serialize(snapshot);
        var back = SnapshotJson.DeserializeLead(json);

        Assert.Equal(json, SnapshotJson.Serialize(back));
        Assert.Equal(snapshot.Details.Location, back.Details.Location);
        Assert.Equal(snapshot.Details.EstimatedValue, back.Details.EstimatedValue);
        Assert.Equal(snapshot.Rejections, back.Rejections);
        Assert.Equal(snapshot.ExpiredPartners, back.ExpiredPartners);
        Assert.Equal(snapshot.NextDueAt, back.NextDueAt);
        Assert.Equal(snapshot.Offers, back.Offers);
        Assert.Equal(snapshot.RegisteredBy, back.RegisteredBy);
        Assert.Equal(snapshot.DuplicateOf, back.DuplicateOf);
        Assert.Equal(snapshot.Registration, back.Registration);
        Assert.Equal(snapshot.ClockPause, back.ClockPause);
        Assert.Equal(snapshot.ErasedAt, back.ErasedAt);
        Assert.Equal(snapshot.Recycling!.LostDeal, back.Recycling!.LostDeal);
        Assert.Equal(snapshot.Recycling.Rounds, back.Recycling.Rounds);
    }

    [Fact]
    public void Lead_EveryPropertyOfTheSample_IsWritten()
    {
        // Guards that new LeadSnapshot fields are persisted: every property must appear in the JSON
        // of the fully populated sample (add new fields to FullLead when this fails).
        using var document = JsonDocument.Parse(SnapshotJson.Serialize(FullLead()));
        var written = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var missing = typeof(LeadSnapshot).GetProperties().Select(p => p.Name).Where(n => !written.Contains(n)).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Opportunity_FullyPopulatedSnapshot_RoundTripsEveryProperty()
    {
        var snapshot = FullOpportunity();

        var json = SnapshotJson.Serialize(snapshot);
        var back = SnapshotJson.DeserializeOpportunity(json);

        Assert.Equal(json, SnapshotJson.Serialize(back));
        Assert.Equal(snapshot.Amount, back.Amount);
        Assert.Equal(snapshot.ProbabilityOverride, back.ProbabilityOverride);
        Assert.Equal(snapshot.History, back.History);
        Assert.Equal(snapshot.Lines, back.Lines);
        Assert.Equal(snapshot.Splits, back.Splits);
        Assert.Equal(snapshot.Activities, back.Activities);
        Assert.Equal(snapshot.ExpectedClose, back.ExpectedClose);
        using var document = JsonDocument.Parse(json);
        var written = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = typeof(SalesOpportunitySnapshot).GetProperties().Select(p => p.Name).Where(n => !written.Contains(n)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Partner_WithCalendarAndSets_RoundTrips()
    {
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkingPeriod>>
        {
            [IsoDayOfWeek.Monday] = [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0)), new WorkingPeriod(new LocalTime(13, 0), new LocalTime(17, 30))],
            [IsoDayOfWeek.Saturday] = [new WorkingPeriod(new LocalTime(9, 0), new LocalTime(12, 0))],
        };
        var partner = new Partner(new TenantId("t"), new PartnerId("p"), "Sydney Solar", new PartnerTier("Diamond", 7))
        {
            Territories = [new Territory(new CountryCode("AU"), ["20", "21"])],
            Location = new GeoPoint(-33.87, 151.21),
            ProductLines = new HashSet<string>(["solar"], StringComparer.OrdinalIgnoreCase),
            Certifications = new HashSet<string>(["cec"], StringComparer.OrdinalIgnoreCase),
            Languages = new HashSet<string>(["en"], StringComparer.OrdinalIgnoreCase),
            Capacity = 3,
            IsActive = false,
            Calendar = new BusinessCalendar(DateTimeZoneProviders.Tzdb["Australia/Sydney"], week, [new LocalDate(2025, 1, 27)])
                .WithOverride(new LocalDate(2025, 12, 24), [new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))])
                .WithOverride(new LocalDate(2025, 12, 27), [new WorkingPeriod(new LocalTime(22, 0), LocalTime.Midnight)]),
            ContactEmail = "a@b.example",
            ChannelManagerEmail = "c@d.example",
        };

        var back = SnapshotJson.DeserializePartner(SnapshotJson.Serialize(partner));

        Assert.Equal(SnapshotJson.Serialize(partner), SnapshotJson.Serialize(back));
        Assert.Equal("Australia/Sydney", back.Calendar.Zone.Id);
        var calendar = Assert.IsType<BusinessCalendar>(back.Calendar);
        Assert.Equal(2, calendar.PeriodsOn(IsoDayOfWeek.Monday).Count);
        Assert.Contains(new LocalDate(2025, 1, 27), calendar.Holidays);
        Assert.Equal([new WorkingPeriod(new LocalTime(22, 0), LocalTime.Midnight)], calendar.PeriodsOn(new LocalDate(2025, 12, 27)));
        Assert.Equal(new PartnerTier("Diamond", 7), back.Tier);
        Assert.Contains("SOLAR", back.ProductLines);
        Assert.Equal(-33.87, back.Location!.Value.Latitude);
        var start = Instant.FromUtc(2025, 1, 27, 0, 0);
        Assert.Equal(partner.Calendar.AddWorkingTime(start, Duration.FromHours(5)), back.Calendar.AddWorkingTime(start, Duration.FromHours(5)));
    }

    [Fact]
    public void DeserializePartner_UnknownZone_ThrowsJsonExceptionNamingZone()
    {
        var json = SnapshotJson.Serialize(new Partner(new TenantId("t"), new PartnerId("p"), "P", PartnerTier.Gold))
            .Replace("\"UTC\"", "\"Mars/Olympus\"", StringComparison.Ordinal);

        var ex = Assert.Throws<JsonException>(() => SnapshotJson.DeserializePartner(json));

        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeLead_MissingRequiredMember_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => SnapshotJson.DeserializeLead("{\"id\":\"x\"}"));
    }

    [Fact]
    public void DeserializeOpportunity_InvalidAmount_ThrowsJsonException()
    {
        var json = SnapshotJson.Serialize(FullOpportunity()).Replace("\"12345.67\"", "\"12345.678\"", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => SnapshotJson.DeserializeOpportunity(json));
    }

    internal static LeadSnapshot FullLead() => new()
    {
        Id = new LeadId("lead-1"),
        Tenant = new TenantId("tenant-a"),
        Details = new LeadDetails
        {
            Source = "trade-show",
            Company = "ACME GmbH",
            Contact = new LeadContact("Ada", "ada@acme.example", "+49 1"),
            Location = new LeadLocation(new CountryCode("DE"), "80331", "München", new GeoPoint(48.137, 11.575)),
            ProductInterest = "heat-pumps",
            Language = "de",
            EstimatedValue = new Money(1234.56m, CurrencyCode.EUR),
        },
        State = LeadState.Assigned,
        Qualification = LeadQualification.Full,
        CapturedAt = Clock.GetCurrentInstant(),
        AssignedPartner = new PartnerId("p-2"),
        AssignedAt = Clock.GetCurrentInstant() + Duration.FromHours(1),
        AcceptanceDeadline = Clock.GetCurrentInstant() + Duration.FromDays(2),
        AcceptedAt = Clock.GetCurrentInstant() + Duration.FromHours(2),
        Rejections = [new LeadRejection(new PartnerId("p-1"), "too far", Clock.GetCurrentInstant())],
        ExpiredPartners = [new PartnerId("p-3")],
        StateReason = "re-routed",
        ConvertedTo = new OpportunityId("opp-9"),
        NextDueAt = Clock.GetCurrentInstant() + Duration.FromHours(4),
        LastActivityAt = Clock.GetCurrentInstant() + Duration.FromHours(2),
        Offers = [new PartnerId("p-4"), new PartnerId("p-5")],
        EscalationStepsFired = 2,
        RegisteredBy = new PartnerId("p-6"),
        DuplicateOf = new LeadDuplicateLink(new LeadId("lead-0"), new OpportunityId("opp-0"), new PartnerId("p-7"), "email-domain"),
        Registration = new DealRegistrationTerms
        {
            ApprovalDueAt = Instant.FromUtc(2025, 3, 5, 9, 0),
            ApprovalEscalated = true,
            ProtectedUntil = Instant.FromUtc(2025, 6, 2, 9, 0),
            ExpiryWarningAt = Instant.FromUtc(2025, 5, 26, 9, 0),
            Extensions = 1,
            PendingExtensionReason = "Board meets in June.",
            CompetingRegistration = new LeadId("lead-r"),
        },
        Activities =
        [
            new SalesActivity { Number = 1, Kind = SalesActivityKind.Task, Subject = "Send the quote.", OccurredAt = Instant.FromUtc(2025, 3, 4, 9, 0), Actor = "p-2", DueAt = Instant.FromUtc(2025, 3, 6, 9, 0), Outcome = "Sent, 12 kW.", CompletedAt = Instant.FromUtc(2025, 3, 5, 9, 0) },
            new SalesActivity { Number = 2, Kind = SalesActivityKind.NextStep, Subject = "Site visit.", OccurredAt = Instant.FromUtc(2025, 3, 5, 9, 0), Actor = "p-2" },
        ],
        ClockPause = new ClockPause(Instant.FromUtc(2025, 3, 4, 9, 0), "Waiting on the customer.") { HeldDueAt = Instant.FromUtc(2025, 3, 4, 13, 0) },
        ErasedAt = Instant.FromUtc(2025, 3, 5, 9, 0),
        Recycling = new LeadRecycling
        {
            LostDeal = new OpportunityId("opp-lost"),
            Rounds = [new LeadRecycleRound(Instant.FromUtc(2025, 3, 4, 9, 0), LeadState.Disqualified, "budget next year") { AcceptedBy = new PartnerId("p-8"), AssignedAt = Instant.FromUtc(2025, 3, 3, 10, 0), AcceptedAt = Instant.FromUtc(2025, 3, 3, 11, 0) }],
        },
        MergedInto = new LeadId("lead-m"),
        MergedLeads = [new LeadId("lead-d")],
        Version = 7,
        EventCount = 9,
    };

    private static SalesOpportunitySnapshot FullOpportunity() => new()
    {
        Id = new OpportunityId("opp-1"),
        Tenant = new TenantId("tenant-a"),
        Partner = new PartnerId("p-1"),
        Name = "Heat pumps",
        Amount = new Money(12345.67m, CurrencyCode.EUR),
        ExpectedClose = new LocalDate(2025, 6, 30),
        PipelineId = "default",
        Stage = "Proposal",
        ProbabilityOverride = Probability.FromBasisPoints(4_321),
        ForecastCategoryOverride = ForecastCategory.Commit,
        Region = "DE-South",
        ProductLine = "heat-pumps",
        Lines = [new OpportunityLine("pump-x", 2.5m, new Money(99.99m, CurrencyCode.EUR), 12.5m)],
        Splits = [new OpportunitySplit("p1", SplitRole.Partner, 80m), new OpportunitySplit("rep anna", SplitRole.ManufacturerRep, 20m)],
        SourceLead = new LeadId("lead-1"),
        CustomerKeys = new DuplicateKeys("acme heizung", "acme.de", "891234567"),
        History = [new StageChange(null, "Qualification", Clock.GetCurrentInstant(), "a"), new StageChange("Qualification", "Proposal", Clock.GetCurrentInstant(), "b")],
        MetCriteria = ["budget"],
        CloseReason = "n/a",
        ClosedAt = Clock.GetCurrentInstant(),
        CreatedAt = Clock.GetCurrentInstant(),
        StageEnteredAt = Clock.GetCurrentInstant(),
        LastActivityAt = Clock.GetCurrentInstant(),
        NextDueAt = Clock.GetCurrentInstant(),
        Activities =
        [
            new SalesActivity { Number = 1, Kind = SalesActivityKind.Task, Subject = "Send the quote.", OccurredAt = Instant.FromUtc(2025, 3, 4, 9, 0), Actor = "p-2", DueAt = Instant.FromUtc(2025, 3, 6, 9, 0), Outcome = "Sent, 12 kW.", CompletedAt = Instant.FromUtc(2025, 3, 5, 9, 0) },
            new SalesActivity { Number = 2, Kind = SalesActivityKind.NextStep, Subject = "Site visit.", OccurredAt = Instant.FromUtc(2025, 3, 5, 9, 0), Actor = "p-2" },
        ],
        ClockPause = new ClockPause(Clock.GetCurrentInstant(), "Customer's budget round.") { HeldDueAt = Clock.GetCurrentInstant() + Duration.FromDays(14) },
        ErasedAt = Clock.GetCurrentInstant(),
        Version = 3,
        EventCount = 4,
    };
}
