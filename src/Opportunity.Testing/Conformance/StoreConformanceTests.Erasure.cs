using System.Text;
using System.Text.Json;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// Erasure of personal data (<see cref="IPersonalDataEraser"/> through <see cref="PersonalDataService"/>):
/// afterwards no stored byte holds the e-mail address or phone number, counts and amounts stay, a
/// second erasure changes nothing, another tenant is untouched, and the retention sweep of several hosts
/// erases each closed record once. Runs when the adapter gives <see cref="StoreUnderTest.Eraser"/>.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private const string ErasedEmail = "erase.me+crm@kunde-example.de";
    private const string ErasedPhone = "+49 170 5550199";
    private const string KeptEmail = "keep.me@other-example.de";

    /// <summary>
    /// A customer's lead (accepted, with a note naming the phone, converted when the store converts into a deal carrying its customer keys), a
    /// rendered notification naming the address (JSON-escaped as the serializer writes it), a dead letter
    /// naming the phone and a routing decision naming the address; erased by lead: the lead's contact,
    /// company and exact location are gone, and neither the address nor the phone (as entered, as JSON
    /// writes it, or as the duplicate key keeps it) is in any byte the store keeps, while another
    /// customer's lead keeps its contact.
    /// </summary>
    [ConformanceFact]
    public async Task EraseCustomer_ByLead_LeavesNoStoredByteOfTheAddressOrPhone()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        var deal = await SeedCustomerAsync(TenantA, "l-1", ErasedEmail);
        var customerKeys = DuplicateKeys.OfCustomer(null, ErasedEmail, ErasedPhone);
        Assert.Equal(deal is null ? 0 : 1, (await ToListAsync(Store.Opportunities.FindByCustomerKeysAsync(AccessScope.Manufacturer(TenantA), customerKeys))).Count);
        var kept = await AcceptedLeadAsync(TenantA, "l-keep", KeptEmail, "+49 30 9990001");
        var report = await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfLead(new LeadId("l-1")), "dpo@manufacturer");

        Assert.Equal(1, report.Leads);
        Assert.Equal(Store.Conversions is null ? 0 : 1, report.Opportunities);
        var lead = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("l-1")))!;
        Assert.Equal(LeadContact.None, lead.Details.Contact);
        Assert.Null(lead.Details.Company);
        Assert.Equal(new LeadLocation(new CountryCode("DE")), lead.Details.Location);
        Assert.NotNull(lead.ErasedAt);
        Assert.Equal(KeptEmail, (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), kept.Id))!.Details.Contact.Email);
        Assert.Empty(await ToListAsync(Store.Opportunities.FindByCustomerKeysAsync(AccessScope.Manufacturer(TenantA), customerKeys)));
        Assert.Empty(await ToListAsync(Store.Leads.FindDuplicateCandidatesAsync(AccessScope.Manufacturer(TenantA), DuplicateKeys.Normalised(Details("x") with { Contact = new LeadContact(null, ErasedEmail, ErasedPhone) }) with { Company = null })));
        var pending = await Store.Outbox.ListPendingAsync();
        Assert.DoesNotContain(pending, m => Contains(m.Payload, ErasedEmail) || Contains(m.Payload, ErasedPhone));
        Assert.DoesNotContain(await Store.Outbox.ListDeadLettersAsync(TenantA), d => Contains(d.Message.Payload + d.Reason + d.Message.LastError, ErasedPhone));
        if (Store.DecisionLog is { } log)
        {
            Assert.DoesNotContain(await log.ForLeadAsync(TenantA, new LeadId("l-1")), d => Contains(d.Explanation, ErasedEmail));
        }

        if (Store.ReadStoredBytes is { } read)
        {
            var bytes = await read();
            foreach (var form in SearchForms(ErasedEmail).Concat(SearchForms(ErasedPhone)).Append(DuplicateKeys.NormalisePhone(ErasedPhone)!))
            {
                Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes(form)) < 0, $"The store still holds '{form}'.");
            }

            Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes(KeptEmail)) >= 0, "The kept customer's address is gone: the erasure went too far.");
        }
    }

    /// <summary>
    /// A deal opened without a lead (directly or by import) whose customer keys were taken from the
    /// customer's contact, and a colleague's deal of the same company domain with another phone; erasing
    /// the customer's address erases the first deal too (found by the phone of the customer's leads): its
    /// title and keys are gone and no stored byte holds the phone's key, while the colleague's deal keeps
    /// its title and keys.
    /// </summary>
    [ConformanceFact]
    public async Task EraseCustomer_ByEmail_ErasesDealsWithoutALeadHoldingTheCustomersPhone()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        await AcceptedLeadAsync(TenantA, "l-1", ErasedEmail, ErasedPhone);
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        SalesOpportunity Direct(string id, string name, string phone) => SalesOpportunity.Open(
            TenantA,
            new OpportunityId(id),
            new SalesOpportunityDraft(P1, new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = name, CustomerKeys = DuplicateKeys.OfCustomer("Kunde GmbH", ErasedEmail, phone) },
            PipelineDefinition.Default,
            "system",
            Clock);
        await Store.Opportunities.AddAsync(Direct("direct", "Heat pump for Ada Example", ErasedPhone));
        await Store.Opportunities.AddAsync(Direct("colleague", "Heat pump for Bob Example", "+49 170 5550777"));

        var report = await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail), "dpo");

        Assert.Equal(1, report.Opportunities);
        var scope = AccessScope.Manufacturer(TenantA);
        var direct = (await Store.Opportunities.FindAsync(scope, new OpportunityId("direct")))!;
        Assert.NotNull(direct.ErasedAt);
        Assert.Null(direct.Name);
        Assert.Null(direct.CustomerKeys);
        var colleague = (await Store.Opportunities.FindAsync(scope, new OpportunityId("colleague")))!;
        Assert.Null(colleague.ErasedAt);
        Assert.Equal("Heat pump for Bob Example", colleague.Name);
        Assert.Equal(DuplicateKeys.NormalisePhone("+49 170 5550777"), colleague.CustomerKeys?.Phone);
        Assert.Equal(["colleague"], (await ToListAsync(Store.Opportunities.FindByCustomerKeysAsync(scope, DuplicateKeys.OfCustomer(null, ErasedEmail, ErasedPhone)))).Select(d => d.Id.Value));
        if (Store.ReadStoredBytes is { } read)
        {
            Assert.True(IndexOf(await read(), Encoding.UTF8.GetBytes(DuplicateKeys.NormalisePhone(ErasedPhone)!)) < 0, "The store still holds the phone's key.");
        }
    }

    /// <summary>Erasing the customer's lead (not the address) erases a deal without a lead holding the lead's phone too.</summary>
    [ConformanceFact]
    public async Task EraseCustomer_ByLead_ErasesDealsWithoutALeadHoldingItsPhone()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        await AcceptedLeadAsync(TenantA, "l-1", ErasedEmail, ErasedPhone);
        await Store.Partners.UpsertAsync(NewPartner(TenantA, P1));
        await Store.Opportunities.AddAsync(SalesOpportunity.Open(
            TenantA,
            new OpportunityId("direct"),
            new SalesOpportunityDraft(P1, new Money(5_000m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = "Heat pump for Ada Example", CustomerKeys = DuplicateKeys.OfCustomer(null, null, ErasedPhone) },
            PipelineDefinition.Default,
            "system",
            Clock));

        var report = await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfLead(new LeadId("l-1")), "dpo");

        Assert.Equal((1, 1), (report.Leads, report.Opportunities));
        var direct = (await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), new OpportunityId("direct")))!;
        Assert.Null(direct.Name);
        Assert.Null(direct.CustomerKeys);
    }

    /// <summary>
    /// A manager's forecast adjustment whose reason names the customer's address and phone (free text, as
    /// a note is): the erasure replaces both in it, as in every other stored text; who, when, the amount and
    /// the rest of the reason stay.
    /// </summary>
    [ConformanceFact]
    public async Task EraseCustomer_ScrubsTheReasonOfForecastAdjustments()
    {
        if (Store.Eraser is null || Store.ForecastAdjustments is not { } adjustments)
        {
            return;
        }

        await AcceptedLeadAsync(TenantA, "l-1", ErasedEmail, ErasedPhone);
        var amount = new Money(1_234.56m, CurrencyCode.EUR);
        await adjustments.AddAdjustmentAsync(TenantA, new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, amount, "anna@acme.example", AdjustedAt, $"Signed per {ErasedEmail}, call {ErasedPhone}"));
        await adjustments.AddAdjustmentAsync(TenantB, new ForecastAdjustment(EmeaNode, ForecastQ1, ForecastCategory.Commit, amount, "anna@acme.example", AdjustedAt, $"Signed per {ErasedEmail}"));

        var report = await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail), "dpo");

        var kept = Assert.Single(await adjustments.ListAdjustmentsAsync(TenantA, ForecastQ1));
        Assert.Equal($"Signed per {Persistence.AdapterSupport.ErasedText.Replacement}, call {Persistence.AdapterSupport.ErasedText.Replacement}", kept.Reason);
        Assert.Equal(("anna@acme.example", AdjustedAt, (Money?)amount), (kept.By, kept.At, kept.Amount));
        Assert.True(report.ScrubbedRows >= 1, $"The adjustment was not counted ({report}).");
        Assert.Equal($"Signed per {ErasedEmail}", Assert.Single(await adjustments.ListAdjustmentsAsync(TenantB, ForecastQ1)).Reason);
        if (Store.ReadStoredBytes is { } read)
        {
            var bytes = await read();
            Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes($"call {ErasedPhone}")) < 0, "The adjustment's reason still holds the phone.");
        }
    }

    /// <summary>Erasing the same lead again, and the same address again, changes nothing and writes no second audit event.</summary>
    [ConformanceFact]
    public async Task EraseCustomer_Twice_SecondIsANoOp()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        await SeedCustomerAsync(TenantA, "l-1", ErasedEmail);
        var service = Erasure();
        Assert.False((await service.EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail), "dpo")).IsNoOp);
        var version = (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("l-1")))!.Version;
        var audits = (await Store.Outbox.ListPendingAsync()).Count(m => m.Type == nameof(PersonalDataErased));

        Assert.Equal(ErasureReport.None, await service.EraseCustomerAsync(TenantA, ErasureTarget.OfLead(new LeadId("l-1")), "dpo"));
        Assert.Equal(ErasureReport.None, await service.EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail.ToUpperInvariant()), "dpo"));
        Assert.Equal(version, (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), new LeadId("l-1")))!.Version);
        Assert.Equal(audits, (await Store.Outbox.ListPendingAsync()).Count(m => m.Type == nameof(PersonalDataErased)));
        Assert.Equal(Store.Conversions is null ? 1 : 2, audits);
    }

    /// <summary>Tenant B holds a lead with the same address and a message naming it; erasing the address in tenant A leaves both.</summary>
    [ConformanceFact]
    public async Task EraseCustomer_InTenantA_LeavesTenantBUntouched()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        await SeedCustomerAsync(TenantA, "l-1", ErasedEmail);
        await SeedCustomerAsync(TenantB, "l-1", ErasedEmail);
        var before = DocsOf(await AllOfTenantAsync(TenantB));

        await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail), "dpo");

        Assert.Equal(before, DocsOf(await AllOfTenantAsync(TenantB)));
        Assert.Equal(ErasedEmail, (await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantB), new LeadId("l-1")))!.Details.Contact.Email);
        Assert.Contains(await Store.Outbox.ListPendingAsync(), m => m.Tenant == TenantB && Contains(m.Payload, ErasedEmail));
        Assert.DoesNotContain(await Store.Outbox.ListPendingAsync(), m => m.Tenant == TenantA && Contains(m.Payload, ErasedEmail));
    }

    /// <summary>Counts of leads by state, and the opportunities' count, amounts, stages, probabilities and dates are equal before and after an erasure.</summary>
    [ConformanceFact]
    public async Task EraseCustomer_KeepsCountsAmountsStagesAndDates()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        await SeedCustomerAsync(TenantA, "l-1", ErasedEmail);
        for (var i = 1; i <= 3; i++)
        {
            await Store.Opportunities.AddAsync(NewOpportunity(TenantA, $"o-{i}", P1, Clock, 1_000m * i, name: $"{ErasedEmail} deal {i}"));
        }

        var before = await TotalsAsync(TenantA);
        var report = await Erasure().EraseCustomerAsync(TenantA, ErasureTarget.OfEmail(ErasedEmail), "dpo");

        Assert.Equal(before, await TotalsAsync(TenantA));
        Assert.True(report.ScrubbedRows >= 3, $"The three deals named after the address were not scrubbed ({report}).");
        Assert.All(await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All)), o => Assert.DoesNotContain(ErasedEmail, o.Name ?? string.Empty, StringComparison.Ordinal));
    }

    /// <summary>An unknown lead or opportunity is a typed not-found error, a bad address a typed input error naming the field; nothing is written.</summary>
    [ConformanceFact]
    public async Task EraseCustomer_BadInput_ThrowsTypedErrors()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        var service = Erasure();
        Assert.Equal(OpportunityErrorCodes.LeadNotFound, (await Assert.ThrowsAsync<EntityNotFoundException>(() => service.EraseCustomerAsync(TenantA, ErasureTarget.OfLead(new LeadId("nope")), "dpo"))).ErrorCode);
        Assert.Equal(OpportunityErrorCodes.OpportunityNotFound, (await Assert.ThrowsAsync<EntityNotFoundException>(() => service.EraseCustomerAsync(TenantA, ErasureTarget.OfOpportunity(new OpportunityId("nope")), "dpo"))).ErrorCode);
        Assert.Equal("email", Assert.Throws<InvalidInputException>(() => ErasureTarget.OfEmail("not an address")).Field);
        Assert.Empty(await Store.Outbox.ListPendingAsync());
    }

    /// <summary>
    /// Two won and one lost deal closed 400 days ago (one converted from a lead), one closed yesterday, one
    /// open, and a disqualified lead idle for 200 days; every host sweeps at once with a 365-day deal age
    /// and a 180-day lead age: the three old deals, the converted lead and the disqualified lead are erased,
    /// each audited exactly once; the recent and the open deal keep their titles.
    /// </summary>
    [ConformanceFact]
    public async Task RetentionSweep_SeveralHosts_EraseEachClosedRecordOnce()
    {
        if (Store.Eraser is null)
        {
            return;
        }

        var old = new List<SalesOpportunity>();
        for (var i = 1; i <= 3; i++)
        {
            var deal = NewOpportunity(TenantA, $"old-{i}", P1, Clock, name: $"Old deal {i}");
            await Store.Opportunities.AddAsync(deal);
            old.Add(deal);
        }

        var disqualified = NewLead(TenantA, "l-dq", Clock);
        disqualified.Disqualify("no budget", "system", Clock);
        await Store.Leads.AddAsync(disqualified);
        var converted = Store.Conversions is null ? null : await SeedCustomerAsync(TenantA, "l-won", ErasedEmail);
        Clock.Advance(Duration.FromDays(1));
        old[0].CloseWon("signed", "p1", Clock);
        old[1].CloseWon("signed", "p1", Clock);
        old[2].CloseLost("price", "p1", Clock);
        foreach (var deal in old)
        {
            await Store.Opportunities.UpdateAsync(deal);
        }

        if (converted is not null)
        {
            converted.CloseWon("signed", "p1", Clock);
            await Store.Opportunities.UpdateAsync(converted);
        }

        Clock.Advance(Duration.FromDays(399));
        var recent = NewOpportunity(TenantA, "recent", P1, Clock, name: "Recent deal");
        await Store.Opportunities.AddAsync(recent);
        recent.CloseWon("signed", "p1", Clock);
        await Store.Opportunities.UpdateAsync(recent);
        await Store.Opportunities.AddAsync(NewOpportunity(TenantA, "open", P1, Clock, name: "Open deal"));
        Clock.Advance(Duration.FromDays(1));

        var hosts = await OpenHostsAsync(ConcurrentProcessors);
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new PersonalDataRetentionOptions { ClosedOpportunityAge = Duration.FromDays(365), ClosedLeadAge = Duration.FromDays(180) });
            var reports = await Task.WhenAll(hosts.Select(h => Task.Run(() => new PersonalDataService(h.Leads, h.Opportunities, h.Eraser!, Clock, options).SweepAsync(TenantA))));
            var expectedDeals = old.Count + (converted is null ? 0 : 1);
            var expectedLeads = 1 + (converted is null ? 0 : 1);

            Assert.Equal(expectedDeals, reports.Sum(r => r.Opportunities));
            Assert.Equal(expectedLeads, reports.Sum(r => r.Leads));
            var audits = (await Store.Outbox.ListPendingAsync()).Where(m => m.Type == nameof(PersonalDataErased)).ToList();
            Assert.Equal(expectedDeals + expectedLeads, audits.Count);
            var deals = await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All));
            Assert.All(deals.Where(d => d.Id.Value.StartsWith("old-", StringComparison.Ordinal)), d => Assert.Null(d.Name));
            Assert.Equal("Recent deal", deals.Single(d => d.Id.Value == "recent").Name);
            Assert.Equal("Open deal", deals.Single(d => d.Id.Value == "open").Name);
            Assert.NotNull((await Store.Leads.FindAsync(AccessScope.Manufacturer(TenantA), disqualified.Id))!.ErasedAt);
        }
        finally
        {
            await CloseHostsAsync(hosts);
        }
    }

    private PersonalDataService Erasure() =>
        new(Store.Leads, Store.Opportunities, Store.Eraser!, Clock, Microsoft.Extensions.Options.Options.Create(new PersonalDataRetentionOptions()));

    /// <summary>
    /// Tenant's customer: lead <paramref name="id"/> accepted by P1 with a note naming the phone, converted
    /// when the store converts (returned), a rendered notification naming the address, a dead letter naming
    /// the phone, and a routing decision naming the address when the store logs decisions.
    /// </summary>
    private async Task<SalesOpportunity?> SeedCustomerAsync(TenantId tenant, string id, string email)
    {
        await Store.Partners.UpsertAsync(NewPartner(tenant, P1));
        var lead = await AcceptedLeadAsync(tenant, id, email, ErasedPhone);
        lead.RecordActivity($"Called {ErasedPhone}, send the offer to {email}", "p1", Clock);
        await Store.Leads.UpdateAsync(lead);
        SalesOpportunity? deal = null;
        if (Store.Conversions is { } conversions)
        {
            // The deal carries the customer's keys as a conversion through the workflow gives it.
            deal = SalesOpportunity.Open(
                tenant,
                new OpportunityId($"{id}-deal"),
                new SalesOpportunityDraft(P1, new Money(12_000.50m, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Name = $"{tenant}/{lead.Id}", SourceLead = lead.Id, CustomerKeys = DuplicateKeys.OfCustomer(lead.Details.Company, email, ErasedPhone) },
                PipelineDefinition.Default,
                P1.Value,
                Clock);
            lead.Convert(deal.Id, P1.Value, Clock);
            deal = await conversions.ConvertAsync(lead, deal);
        }

        var body = JsonSerializer.Serialize(new { to = email, subject = "Your lead", text = $"Contact: Ada Example, {email}, {ErasedPhone}" });
        var now = Clock.GetCurrentInstant();
        await Store.Outbox.EnqueueAsync([Message($"{tenant}-{id}-mail", tenant, now) with { Payload = body }, Message($"{tenant}-{id}-sms", tenant, now, "sms") with { Payload = body }]);
        var claimed = await Store.Outbox.ClaimAsync(new DueWorkClaim(now, 100, "host-1", Duration.FromMinutes(5)));
        Assert.True(await Store.Outbox.DeadLetterAsync($"{tenant}-{id}-sms", "host-1", $"SMS to {ErasedPhone} refused", now));
        foreach (var message in claimed.Where(m => m.Id != $"{tenant}-{id}-sms"))
        {
            Assert.True(await Store.Outbox.RetryLaterAsync(message.Id, "host-1", now, "try again"));
        }

        if (Store.DecisionLog is { } log)
        {
            await log.AppendAsync(tenant, new RoutingDecisionRecord(lead.Id, now, "default", null, RoutingOutcome.Assigned, [P1], 7, null, $"Routed lead of {email} to {P1}"));
        }

        return deal;
    }

    private async Task<Lead> AcceptedLeadAsync(TenantId tenant, string id, string email, string phone)
    {
        var lead = Lead.Capture(tenant, new LeadId(id), Details($"Customer of {id} GmbH") with { Contact = new LeadContact("Ada Example", email, phone) }, "web", Clock);
        lead.Qualify(LeadQualification.Full, "system", Clock);
        lead.Assign(P1, Clock.GetCurrentInstant() + Duration.FromDays(2), "router", Clock);
        lead.Accept(P1, Clock);
        await Store.Leads.AddAsync(lead);
        return lead;
    }

    private async Task<(string Leads, string Deals)> TotalsAsync(TenantId tenant)
    {
        var scope = AccessScope.Manufacturer(tenant);
        var leads = await ToListAsync(Store.Leads.QueryAsync(scope, LeadQuery.All));
        var deals = await ToListAsync(Store.Opportunities.QueryAsync(scope, OpportunityQuery.All));
        return (
            string.Join(";", leads.Select(l => $"{l.Id}:{l.State}:{l.AssignedPartner}:{l.CapturedAt}:{l.LastActivityAt}:{l.Details.EstimatedValue}:{l.ConvertedTo}")),
            string.Join(";", deals.Select(d => $"{d.Id}:{d.Amount}:{d.Stage.Name}:{d.Probability}:{d.ExpectedClose}:{d.ClosedAt}:{d.Partner}:{d.SourceLead}")) + $"|{deals.Sum(d => d.Amount.Amount)}");
    }

    private async Task<(List<Lead> Leads, List<SalesOpportunity> Deals, IReadOnlyList<OutboxMessage> Pending, IReadOnlyList<DeadLetter> Dead)> AllOfTenantAsync(TenantId tenant) =>
        (await ToListAsync(Store.Leads.QueryAsync(AccessScope.Manufacturer(tenant), LeadQuery.All)),
         await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(tenant), OpportunityQuery.All)),
         (await Store.Outbox.ListPendingAsync()).Where(m => m.Tenant == tenant).ToList(),
         await Store.Outbox.ListDeadLettersAsync(tenant));

    private static string DocsOf((List<Lead> Leads, List<SalesOpportunity> Deals, IReadOnlyList<OutboxMessage> Pending, IReadOnlyList<DeadLetter> Dead) all) =>
        string.Join("\n", all.Leads.Select(l => $"{Doc(l)}@{l.Version}").Concat(all.Deals.Select(d => $"{Doc(d)}@{d.Version}")).Concat(all.Pending.Select(Doc)).Concat(all.Dead.Select(Doc)));

    private static bool Contains(string? text, string value) =>
        text is not null && SearchForms(value).Any(f => text.Contains(f, StringComparison.Ordinal));

    /// <summary>The value as entered and as JSON writes it (default and relaxed encoders).</summary>
    private static IEnumerable<string> SearchForms(string value) =>
        Persistence.AdapterSupport.ErasedText.Forms([value]);

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
