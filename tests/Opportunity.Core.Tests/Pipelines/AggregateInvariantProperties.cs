using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

/// <summary>
/// Generated sequences of operations, legal and illegal, never break an aggregate's invariants,
/// and a refused operation leaves the aggregate exactly as it was.
/// </summary>
public sealed class AggregateInvariantProperties
{
    private static readonly TenantId Tenant = new("acme");
    private static readonly string[] Stages = ["Qualification", "Needs analysis", "Proposal", "Negotiation", "Closed won", "Closed lost", "Nope"];
    private static readonly PartnerId[] Partners = [new("p1"), new("p2"), new("p3")];

    [Property(MaxTest = 300)]
    public void SalesOpportunity_AnyOperationSequence_KeepsInvariants(int[] operations)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var deal = SalesOpportunity.Open(Tenant, new OpportunityId("O"),
            new SalesOpportunityDraft(Partners[0], new Money(100m, CurrencyCode.EUR), new LocalDate(2026, 6, 30)), PipelineDefinition.Default, "u", clock);
        foreach (var op in operations ?? [])
        {
            clock.AdvanceMinutes(7);
            var before = deal.ToSnapshot();
            var eventsBefore = deal.PendingEvents.Count;
            var arg = Math.Abs(op / 8);
            try
            {
                switch (Math.Abs(op % 8))
                {
                    case 0: deal.MoveToStage(Stages[arg % Stages.Length], "u", clock); break;
                    case 1: deal.ChangeAmount(Money.FromMinorUnits((arg % 2_000_000) - 1000, CurrencyCode.EUR), "u", clock); break;
                    case 2: deal.OverrideProbability(arg % 3 == 0 ? null : Probability.FromBasisPoints(arg % 10_001), "u", clock); break;
                    case 3: deal.CloseWon(arg % 5 == 0 ? " " : "signed", "u", clock); break;
                    case 4: deal.CloseLost("price", "u", clock); break;
                    case 5: deal.Reopen(Stages[arg % Stages.Length], "came back", "u", clock); break;
                    case 6: deal.ChangeExpectedClose(new LocalDate(2026, 1, 1).PlusDays(arg % 700), "u", clock); break;
                    default: deal.RecordActivity("call", "u", clock); break;
                }
            }
            catch (Exception ex) when (ex is DomainRuleException or InvalidInputException or ArgumentException)
            {
                Assert.Equal(before, deal.ToSnapshot());
                Assert.Equal(eventsBefore, deal.PendingEvents.Count);
            }

            Assert.False(deal.Amount.IsNegative);
            Assert.Equal(deal.ProbabilityOverride ?? deal.Stage.DefaultProbability, deal.Probability);
            Assert.Equal(deal.Stage.Name, deal.History[^1].To);
            Assert.Equal(deal.IsClosed, deal.CloseReason is not null);
            Assert.Equal(deal.IsClosed, deal.ClosedAt is not null);
            if (deal.IsClosed)
            {
                Assert.Null(deal.ProbabilityOverride);
            }

            Assert.Equal(deal.EventCount, deal.PendingEvents.Count);
            Assert.Equal(Enumerable.Range(1, deal.PendingEvents.Count).Select(i => (long)i), deal.PendingEvents.Select(e => e.Sequence));
        }
    }

    [Property(MaxTest = 300)]
    public void Lead_AnyOperationSequence_KeepsInvariants(int[] operations)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var lead = Lead.Capture(Tenant, new LeadId("L"), new LeadDetails { Source = "web" }, "u", clock);
        foreach (var op in operations ?? [])
        {
            clock.AdvanceMinutes(11);
            var before = lead.ToSnapshot();
            var eventsBefore = lead.PendingEvents.Count;
            var partner = Partners[Math.Abs(op / 8) % Partners.Length];
            try
            {
                switch (Math.Abs(op % 8))
                {
                    case 0: lead.Qualify(op % 3 == 0 ? LeadQualification.None : LeadQualification.Full, "u", clock); break;
                    case 1: lead.Assign(partner, clock.GetCurrentInstant() + Duration.FromHours(8), "r", clock); break;
                    case 2: lead.Accept(partner, clock); break;
                    case 3: lead.Reject(partner, "busy", clock); break;
                    case 4: lead.Recall("system", clock); break;
                    case 5: lead.MarkUnroutable("none", "r", clock); break;
                    case 6: lead.Disqualify("spam", "u", clock); break;
                    default: lead.Convert(new OpportunityId("O"), "u", clock); break;
                }
            }
            // Every refusal (a rule, a wrong partner, a partner that came too late) changes nothing.
            catch (OpportunityException)
            {
                Assert.Equal(before, lead.ToSnapshot());
                Assert.Equal(eventsBefore, lead.PendingEvents.Count);
            }

            if (lead.State is LeadState.Assigned)
            {
                Assert.NotNull(lead.AssignedPartner);
                Assert.True(lead.AcceptanceDeadline > lead.AssignedAt);
                Assert.DoesNotContain(lead.AssignedPartner!.Value, lead.ExcludedPartners);
            }

            Assert.Equal(lead.State == LeadState.Converted, lead.ConvertedTo is not null);
            if (lead.State is LeadState.Accepted or LeadState.Converted)
            {
                Assert.NotNull(lead.AcceptedAt);
                Assert.NotNull(lead.AssignedPartner);
            }
            else if (lead.State is LeadState.Assigned or LeadState.Offered)
            {
                Assert.Null(lead.AcceptedAt); // a new offer starts a fresh acceptance
            }
            Assert.Equal(lead.EventCount, lead.PendingEvents.Count);
        }
    }
}
