using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

/// <summary>A record's activity log is bounded: the activity past the limit, and an overlong text, are typed errors naming the field and the limit, and change nothing.</summary>
public sealed class SalesActivityLimitTests
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly PartnerId Partner = new("p1");

    [Fact]
    public void RecordActivity_OnAFullOpportunity_IsActivityLimitReachedNamingTheFieldAndTheLimit()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("O"), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);
        for (var i = 0; i < SalesActivity.MaxPerRecord; i++)
        {
            deal.RecordActivity($"note {i}", "u", clock);
        }

        var (count, events) = (deal.Activities.Count, deal.PendingEvents.Count);
        var error = Assert.Throws<InvalidInputException>(() => deal.RecordActivity("one too many", "u", clock));

        Assert.Equal((OpportunityErrorCodes.ActivityLimitReached, "activities"), (error.ErrorCode, error.Field));
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
        Assert.Equal((SalesActivity.MaxPerRecord, count, events), (deal.Activities.Count, deal.Activities.Count, deal.PendingEvents.Count));
    }

    [Fact]
    public void RecordActivity_OnAFullLead_IsActivityLimitReached()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var lead = Lead.Capture(Tenant, new LeadId("L"), new LeadDetails { Source = "web" }, "web", clock);
        lead.Qualify(LeadQualification.Full, "system", clock);
        lead.Assign(Partner, clock.GetCurrentInstant() + Duration.FromDays(2), "router", clock);
        lead.Accept(Partner, clock);
        for (var i = 0; i < SalesActivity.MaxPerRecord; i++)
        {
            lead.RecordActivity(new SalesActivityDraft(SalesActivityKind.Call, $"call {i}"), "p1", clock);
        }

        var error = Assert.Throws<InvalidInputException>(() => lead.RecordActivity(new SalesActivityDraft(SalesActivityKind.Call, "one too many"), "p1", clock));

        Assert.Equal((OpportunityErrorCodes.ActivityLimitReached, "activities"), (error.ErrorCode, error.Field));
        Assert.Equal(SalesActivity.MaxPerRecord, lead.Activities.Count);
    }

    [Theory]
    [InlineData("subject")]
    [InlineData("outcome")]
    public void RecordActivity_TextLongerThanTheLimit_IsRefusedNamingTheField(string field)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("O"), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);
        var longest = new string('x', SalesActivity.MaxTextLength);
        deal.RecordActivity(new SalesActivityDraft(SalesActivityKind.Call, longest) { Outcome = longest }, "u", clock);
        var tooLong = longest + "x";
        var draft = field == "subject" ? new SalesActivityDraft(SalesActivityKind.Call, tooLong) : new SalesActivityDraft(SalesActivityKind.Call, "call") { Outcome = tooLong };

        var error = Assert.Throws<InputValidationException>(() => deal.RecordActivity(draft, "u", clock));

        Assert.Equal(field, Assert.Single(error.Errors).Location);
        Assert.Contains("4000", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
        Assert.Single(deal.Activities);
    }

    [Fact]
    public void CompleteTask_OutcomeLongerThanTheLimit_IsRefusedNamingTheField()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("O"), new SalesOpportunityDraft(Partner, new Money(100m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);
        var task = deal.RecordActivity(SalesActivityDraft.Task("Send the quote", clock.GetCurrentInstant() + Duration.FromDays(2)), "u", clock);

        var error = Assert.Throws<InvalidInputException>(() => deal.CompleteTask(task.Number, new string('x', SalesActivity.MaxTextLength + 1), "u", clock));

        Assert.Equal("outcome", error.Field);
        Assert.True(deal.Activities.Single().IsOpenTask);
    }
}
