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
    public void Serialize_RoutedLead_LeavesOutDerivedValuesAndEmptyListsAndReadsBackTheSame()
    {
        var lead = NewLead();
        lead.Assign(new PartnerId("P-1"), _clock.GetCurrentInstant() + Duration.FromDays(2), "router", _clock);
        var snapshot = lead.ToSnapshot();

        var lean = LeadDocument.Serialize(snapshot);

        Assert.DoesNotContain("\"isComplete\"", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("\"missing\"", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("\"offers\"", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("\"rejections\"", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("\"escalationStepsFired\"", lean, StringComparison.Ordinal);
        Assert.True(lean.Length < SnapshotJson.Serialize(snapshot).Length - 100, $"{lean.Length} characters");
        Assert.Equal(SnapshotJson.Serialize(snapshot), SnapshotJson.Serialize(SnapshotJson.DeserializeLead(lean)));
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
        Assert.Equal(SnapshotJson.Serialize(snapshot), SnapshotJson.Serialize(SnapshotJson.DeserializeLead(lean)));
    }

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
