using System.Text;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>Well-formed text beyond ASCII: umlaut, BMP symbol, a supplementary-plane character (a surrogate pair), CJK, and tab/CR/LF in free text.</summary>
    private const string NonAscii = "Müller ☃ 𝄞 東京";

    /// <summary>
    /// Issue 11 #12. Ids with a lone surrogate (SQLite once made <c>L\uD800</c> and <c>L\uDFFF</c> one
    /// key, PostgreSQL threw a raw encoder exception), a zero-width space (<c>L\u200B1</c> looked like
    /// <c>L1</c>), a NUL or a bidi override are refused by the id types with
    /// <see cref="InvalidTextException"/> naming the field, so they cannot reach any store.
    /// </summary>
    [ConformanceFact]
    public async Task Text_AdversarialIds_RefusedBeforeAnyStore()
    {
        string[] adversarial = ["L\uD800", "L\uDFFF", "L\uDFFF\uD800", "L\u200B1", "L\u00001", "L\u202E1", "L\uFEFF1", "L\u00851"];
        foreach (var text in adversarial)
        {
            Assert.Equal("LeadId", Assert.Throws<InvalidTextException>(() => new LeadId(text)).Field);
            Assert.Equal("TenantId", Assert.Throws<InvalidTextException>(() => new TenantId(text)).Field);
            Assert.Equal("PartnerId", Assert.Throws<InvalidTextException>(() => new PartnerId(text)).Field);
            Assert.Equal("OpportunityId", Assert.Throws<InvalidTextException>(() => new OpportunityId(text)).Field);
        }

        Assert.Equal(TextViolation.InvalidUtf16, Assert.Throws<InvalidTextException>(() => new LeadId("L\uD800")).Violation);
        Assert.Equal(TextViolation.FormatCharacter, Assert.Throws<InvalidTextException>(() => new LeadId("L\u200B1")).Violation);
        Assert.Equal(TextViolation.ControlCharacter, Assert.Throws<InvalidTextException>(() => new LeadId("L\u00001")).Violation);

        // The look-alike the zero-width space imitated is a different, valid key: both exist side by side only as "L1".
        await Store.Leads.AddAsync(NewLead(TenantA, "L1", Clock));
        Assert.Equal(["L1"], (await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(TenantA), LeadQuery.All))).Select(l => l.Id.Value));
    }

    /// <summary>
    /// Free text (company, contact, notes, reasons, partner names…) with a NUL (PostgreSQL refused it
    /// with a raw 22P05 while SQLite stored it) or a lone surrogate is refused by the model with
    /// <see cref="InvalidTextException"/> naming the field; nothing is written to the store.
    /// </summary>
    [ConformanceFact]
    public async Task Text_AdversarialFreeText_RefusedByTheModelAndNothingWritten()
    {
        string[] adversarial = ["ACME\0GmbH", "ACME\uD800", "ACME\uDC00GmbH", "ACME\u0007", "ACME\u001B[31m"];
        foreach (var text in adversarial)
        {
            Assert.Equal("LeadDetails.Company", Assert.Throws<InvalidTextException>(() => Details(text)).Field);
            Assert.Equal("LeadContact.Name", Assert.Throws<InvalidTextException>(() => new LeadContact(text, null, null)).Field);
            Assert.Equal("LeadLocation.City", Assert.Throws<InvalidTextException>(() => new LeadLocation(null, City: text)).Field);
            Assert.Equal("Partner.Name", Assert.Throws<InvalidTextException>(() => NewPartner(TenantA, P1, text)).Field);
            Assert.Equal("SalesOpportunity.Name", Assert.Throws<InvalidTextException>(() => NewOpportunity(TenantA, "o-1", P1, Clock, name: text)).Field);

            var lead = AssignedLead(TenantA, "lead-1", P1, Clock);
            Assert.Throws<InvalidTextException>(() => lead.Reject(P1, text, Clock));
            Assert.Throws<InvalidTextException>(() => lead.RecordActivity(text, "alice", Clock));
            Assert.Throws<InvalidTextException>(() => lead.Disqualify(text, "alice", Clock));
            var opportunity = NewOpportunity(TenantA, "o-1", P1, Clock);
            Assert.Throws<InvalidTextException>(() => opportunity.CloseLost(text, "alice", Clock));
            Assert.Throws<InvalidTextException>(() => opportunity.RecordActivity(text, "alice", Clock));
        }

        var scope = AccessScope.Manufacturer(TenantA);
        Assert.Empty(await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All)));
        Assert.Empty(await ToListAsync(Store.Opportunities.QueryAsync(scope, OpportunityQuery.All)));
        Assert.Empty(await ToListAsync(Store.Partners.ListAsync(TenantA)));
        Assert.Empty(await Store.Outbox.ListPendingAsync());
    }

    /// <summary>
    /// Well-formed non-ASCII text (and tab/CR/LF in free text) round-trips byte-exact through the
    /// store, in ids, tenant ids and every kind of text field, by id and by query.
    /// </summary>
    [ConformanceFact]
    public async Task Text_WellFormedNonAscii_RoundTripsByteExact()
    {
        var tenant = new TenantId("tenant-ü-東京-𝄞");
        var partnerId = new PartnerId("P-Müller-☃");
        var scope = AccessScope.Manufacturer(tenant);
        var details = Details(NonAscii) with
        {
            Source = "Messe ☃",
            Contact = new LeadContact("Zoë Ångström 𝄞", "zoë@例え.jp", "+49 (89) 1234 ☎"),
            Location = new LeadLocation(new CountryCode("DE"), "80331", "München 東京"),
            ProductInterest = "Wärmepumpen 𝄞",
        };
        var lead = Lead.Capture(tenant, new LeadId("L-Müller-東京-𝄞"), details, "Jürgen 東", Clock);
        lead.Qualify(LeadQualification.Full, "Jürgen 東", Clock);
        lead.Assign(partnerId, Clock.GetCurrentInstant() + Duration.FromDays(2), "router", Clock);
        lead.Reject(partnerId, "Keine Kapazität\r\n\tnächste Woche 𝄞", Clock);
        await Store.Partners.UpsertAsync(NewPartner(tenant, partnerId, NonAscii) with
        {
            ProductLines = new HashSet<string>(["Wärmepumpen 𝄞"], StringComparer.OrdinalIgnoreCase),
        });
        await Store.Leads.AddAsync(lead);
        var opportunity = SalesOpportunity.Open(
            tenant,
            new OpportunityId("O-東京-𝄞"),
            new SalesOpportunityDraft(partnerId, new Money(1_234.56m, CurrencyCode.EUR), new LocalDate(2025, 6, 30))
            {
                Name = NonAscii,
                Region = "DE-Süd",
                ProductLine = "Wärmepumpen 𝄞",
            },
            PipelineDefinition.Default,
            "Jürgen 東",
            Clock);
        opportunity.CloseLost("Preis zu hoch\r\nMüller ☃ 𝄞", "Jürgen 東", Clock);
        await Store.Opportunities.AddAsync(opportunity);

        var foundLead = (await Store.Leads.FindAsync(scope, new LeadId("L-Müller-東京-𝄞")))!;
        var queriedLead = Assert.Single(await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All)));
        var foundOpportunity = (await Store.Opportunities.FindAsync(scope, new OpportunityId("O-東京-𝄞")))!;
        var queriedOpportunity = Assert.Single(await ToListAsync(Store.Opportunities.QueryAsync(scope, OpportunityQuery.All)));
        var partner = (await Store.Partners.FindAsync(tenant, partnerId))!;

        foreach (var read in new[] { foundLead, queriedLead })
        {
            AssertBytes(NonAscii, read.Details.Company);
            AssertBytes("Zoë Ångström 𝄞", read.Details.Contact.Name);
            AssertBytes("zoë@例え.jp", read.Details.Contact.Email);
            AssertBytes("München 東京", read.Details.Location.City);
            AssertBytes("Keine Kapazität\r\n\tnächste Woche 𝄞", Assert.Single(read.Rejections).Reason);
            AssertBytes("L-Müller-東京-𝄞", read.Id.Value);
            AssertBytes("tenant-ü-東京-𝄞", read.Tenant.Value);
            Assert.Equal(Doc(lead), Doc(read));
        }

        foreach (var read in new[] { foundOpportunity, queriedOpportunity })
        {
            AssertBytes(NonAscii, read.Name);
            AssertBytes("DE-Süd", read.Region);
            AssertBytes("Preis zu hoch\r\nMüller ☃ 𝄞", read.CloseReason);
            Assert.Equal(Doc(opportunity), Doc(read));
        }

        AssertBytes(NonAscii, partner.Name);
        AssertBytes("Wärmepumpen 𝄞", Assert.Single(partner.ProductLines));
        AssertBytes("P-Müller-☃", Assert.Single(await ToListAsync(Store.Partners.ListAsync(tenant))).Id.Value);
    }

    private static void AssertBytes(string expected, string? actual) =>
        Assert.Equal(Convert.ToHexString(Encoding.UTF8.GetBytes(expected)), Convert.ToHexString(Encoding.UTF8.GetBytes(actual ?? "<null>")));
}
