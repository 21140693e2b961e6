using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence.AdapterSupport;

namespace Opportunity.Persistence.PostgreSql.Tests;

public sealed class LeadDocumentTests
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 7, 1, 9, 0));

    [Fact]
    public void Serialize_RoutedLead_LeavesOutDerivedValuesEmptyListsAndColumnsAndReadsBackTheSame()
    {
        var lead = NewLead();
        lead.Assign(new PartnerId("P-1"), _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        var snapshot = lead.ToSnapshot() with { Version = 3 };

        var lean = LeadDocument.Serialize(snapshot);

        foreach (var name in new[] { "isComplete", "missing", "offers", "rejections", "escalationStepsFired", "id", "tenant", "state", "assignedPartner", "version" })
        {
            Assert.DoesNotContain($"\"{name}\"", lean, StringComparison.Ordinal);
        }

        Assert.True(lean.Length < SnapshotJson.Serialize(snapshot).Length - 170, $"{lean.Length} characters");
        Assert.Equal(SnapshotJson.Serialize(snapshot), SnapshotJson.Serialize(LeadDocument.Read(Columns(snapshot), lean)));
    }

    [Fact]
    public void Serialize_LeadWithOffersAndRejections_KeepsThem()
    {
        var lead = NewLead();
        lead.Offer([new PartnerId("P-1"), new PartnerId("P-2")], _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        lead.Reject(new PartnerId("P-1"), "too far away", _clock);
        var snapshot = lead.ToSnapshot();

        var lean = LeadDocument.Serialize(snapshot);

        Assert.Contains("\"rejections\"", lean, StringComparison.Ordinal);
        Assert.Contains("\"offers\"", lean, StringComparison.Ordinal);
        Assert.Equal(SnapshotJson.Serialize(snapshot), SnapshotJson.Serialize(LeadDocument.Read(Columns(snapshot), lean)));
    }

    [Theory]
    [InlineData(true, true, true, true, "\"qualification\":true")]
    [InlineData(false, false, false, false, "\"qualification\":false")]
    [InlineData(true, false, true, false, "\"qualification\":{\"needConfirmed\":true,\"budgetConfirmed\":false,\"authorityConfirmed\":true,\"timingConfirmed\":false}")]
    public void Serialize_Qualification_IsOneWordWhenAllOrNothingIsConfirmedAndReadsBack(bool need, bool budget, bool authority, bool timing, string expected)
    {
        var snapshot = NewLead().ToSnapshot() with { Qualification = new LeadQualification(need, budget, authority, timing) };

        var lean = LeadDocument.Serialize(snapshot);

        Assert.Contains(expected, lean, StringComparison.Ordinal);
        Assert.Equal(snapshot.Qualification, LeadDocument.Read(Columns(snapshot), lean).Qualification);
    }

    /// <summary>A document written before migration 14 holds the column values too; the columns win (they were written with it).</summary>
    [Fact]
    public void Read_CompleteDocumentOfAnEarlierVersion_TakesTheColumns()
    {
        var lead = NewLead();
        lead.Assign(new PartnerId("P-1"), _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        var snapshot = lead.ToSnapshot() with { Version = 1 };

        var read = LeadDocument.Read(Columns(snapshot) with { Version = 2 }, SnapshotJson.Serialize(snapshot));

        Assert.Equal(SnapshotJson.Serialize(snapshot with { Version = 2 }), SnapshotJson.Serialize(read));
    }

    [Theory]
    [InlineData("Archived")]
    [InlineData("2")]
    [InlineData("Captured, Qualified")]
    [InlineData("assigned")]
    public void Read_UnknownStateInTheColumn_IsAStoreDataExceptionNamingLeadAndField(string state)
    {
        var snapshot = NewLead().ToSnapshot();

        var ex = Assert.Throws<StoreDataException>(() => LeadDocument.Read(Columns(snapshot) with { State = state }, LeadDocument.Serialize(snapshot)));

        Assert.Equal("L-1", ex.EntityId);
        Assert.Equal("State", ex.Field);
    }

    [Fact]
    public void Read_DocumentWithoutDetails_IsAStoreDataExceptionNamingTheLead()
    {
        var ex = Assert.Throws<StoreDataException>(() => LeadDocument.Read(Columns(NewLead().ToSnapshot()), """{"capturedAt":"2026-07-01T09:00:00Z"}"""));

        Assert.Equal("L-1", ex.EntityId);
        Assert.Contains("details", ex.Message, StringComparison.Ordinal);
    }

    private static LeadColumns Columns(LeadSnapshot snapshot) =>
        new(snapshot.Tenant.Value, snapshot.Id.Value, snapshot.Version, snapshot.State.ToString(), snapshot.AssignedPartner?.Value);

    private Lead NewLead()
    {
        var lead = Lead.Capture(Tenant, new LeadId("L-1"), Details(), "web", _clock);
        lead.Qualify(LeadQualification.Full, "sales", _clock);
        return lead;
    }

    private static LeadDetails Details() => new()
    {
        Source = "web-form",
        Company = "ACME Heating",
        Contact = new LeadContact("Ada Example", "ada@acme-heating.example", "+49 89 1234"),
        Location = new LeadLocation(new CountryCode("DE"), "80331", "München", new GeoPoint(48.137, 11.575)),
        ProductInterest = "heat-pumps",
        Language = "de",
        EstimatedValue = new Money(12_000.50m, CurrencyCode.EUR),
    };
}
