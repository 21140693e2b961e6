using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;

namespace Opportunity.Core.Tests.Leads;

/// <summary>A merge keeps the survivor's values and fills its blanks from the duplicate (docs/routing.md#merging-duplicate-leads).</summary>
public sealed class LeadMergeFillTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly CountryCode De = new("DE");

    private static readonly LeadDetails Full = new()
    {
        Source = "trade-show",
        Company = "Full GmbH",
        Contact = new LeadContact("Bob Full", "bob@full.example", "+49 30 5550100"),
        Location = new LeadLocation(De, "10115", "Berlin", new GeoPoint(52.53, 13.38)),
        ProductInterest = "solar",
        Language = "de",
        EstimatedValue = new Money(9_000m, CurrencyCode.EUR),
    };

    [Fact]
    public void FillBlanksFrom_KeepsEveryValueTheSurvivorHas_AndFillsEachBlankOnItsOwn()
    {
        var sparse = new LeadDetails { Source = "web", Company = " ", Contact = new LeadContact("Ada", null, ""), Location = new LeadLocation(De, "80331") };

        var filled = sparse.FillBlanksFrom(Full);

        Assert.Equal(new LeadDetails
        {
            Source = "web",
            Company = "Full GmbH",
            Contact = new LeadContact("Ada", "bob@full.example", "+49 30 5550100"),
            Location = new LeadLocation(De, "80331", "Berlin", new GeoPoint(52.53, 13.38)),
            ProductInterest = "solar",
            Language = "de",
            EstimatedValue = new Money(9_000m, CurrencyCode.EUR),
        }, filled);
        Assert.Equal(Full, Full.FillBlanksFrom(sparse)); // a survivor with every value takes nothing
    }

    [Fact]
    public void FillBlanksFrom_Location_WholeWhenUnknown_KeptWhenInAnotherCountry()
    {
        Assert.Equal(Full.Location, new LeadDetails { Source = "web" }.FillBlanksFrom(Full).Location);
        var austria = new LeadLocation(new CountryCode("AT"));
        Assert.Equal(austria, new LeadDetails { Source = "web", Location = austria }.FillBlanksFrom(Full).Location);
    }

    [Fact]
    public void MergeIn_SurvivorTakesTheDuplicatesValuesForItsBlanks_UnlessEitherWasErased()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 3, 2, 9, 0));
        var survivor = Lead.Capture(Tenant, new LeadId("L-1"), new LeadDetails { Source = "web", Contact = new LeadContact("Ada", "ada@full.example", null) }, "web", clock);
        var duplicate = Lead.Capture(Tenant, new LeadId("L-2"), Full, "web", clock);

        survivor.MergeIn(duplicate, "same customer", "alice", clock);

        Assert.Equal(new LeadContact("Ada", "ada@full.example", "+49 30 5550100"), survivor.Details.Contact);
        Assert.Equal(Full, duplicate.Details);
        Assert.Equal(
            ["Company", "Contact.Phone", "Location", "ProductInterest", "Language", "EstimatedValue"],
            survivor.PendingEvents.OfType<LeadDuplicateMerged>().Single().FilledFields);

        var erased = Lead.Capture(Tenant, new LeadId("L-3"), new LeadDetails { Source = "web" }, "web", clock);
        erased.ErasePersonalData("request", "dpo", clock);
        erased.MergeIn(Lead.Capture(Tenant, new LeadId("L-4"), Full, "web", clock), "same customer", "alice", clock);
        Assert.Equal(LeadContact.None, erased.Details.Contact);
        Assert.Null(erased.Details.Company);
        Assert.Empty(erased.PendingEvents.OfType<LeadDuplicateMerged>().Single().FilledFields);
    }

    [Fact]
    public void MergeIn_SameCountry_NamesEachFilledPartOfTheLocation()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 3, 2, 9, 0));
        var survivor = Lead.Capture(Tenant, new LeadId("L-1"), Full with { Location = new LeadLocation(De, "80331"), Language = null }, "web", clock);

        survivor.MergeIn(Lead.Capture(Tenant, new LeadId("L-2"), Full, "web", clock), "same customer", "alice", clock);

        Assert.Equal(["Location.City", "Location.Point", "Language"], survivor.PendingEvents.OfType<LeadDuplicateMerged>().Single().FilledFields);
    }

    [Fact]
    public void LeadDuplicateMerged_WrittenBeforeFilledFieldsExisted_ReadsWithNoneListed()
    {
        var merged = (LeadDuplicateMerged)DomainEventSerializer.Deserialize(nameof(LeadDuplicateMerged), """{"duplicate":"L-2","reason":"same"}""");

        Assert.Empty(merged.FilledFields);
        var roundTrip = (LeadDuplicateMerged)DomainEventSerializer.Deserialize(nameof(LeadDuplicateMerged), DomainEventSerializer.Serialize(merged with { FilledFields = ["Company"] }));
        Assert.Equal(["Company"], roundTrip.FilledFields);
    }
}
