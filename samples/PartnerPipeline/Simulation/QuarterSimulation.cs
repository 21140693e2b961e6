using System.Globalization;
using NodaTime;
using NodaTime.Testing;
using Opportunity;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Routing;
using Opportunity.Workflows;

namespace PartnerPipeline.Simulation;

/// <summary>
/// The main job: a quarter of leads arriving, routed to partners that accept, reject or stay silent
/// (so reminders, escalations and recalls fire), converted to opportunities that move through the
/// pipeline and close. A discrete-event simulation on a fake clock with one seeded random source,
/// so every run with the same seed writes the same database and prints the same report. Partner
/// activities draw from a second seeded source, so they leave the deals' course (and the figures
/// docs/forecasting.md measures on it) as it was: they only keep deals from going stale. Deal
/// registrations draw from a third: partners register customers they found themselves in the first
/// weeks, the channel manager approves most of them, and the ones never converted expire when their
/// protection runs out (due work, in each partner's business time).
/// </summary>
internal sealed class QuarterSimulation(
    LeadIntakeService intake,
    PartnerLeadService partnerLeads,
    PartnerOpportunityService partnerDeals,
    DealRegistrationService registrations,
    LeadRouter router,
    LeadRecyclingService recycling,
    DueWorkProcessor dueWork,
    IOpportunityStore opportunities,
    IPartnerDirectory directory,
    FakeClock clock,
    Random random,
    Random work,
    Random registering,
    ConsoleProgress progress)
{
    private static readonly string[] RejectReasons = ["no capacity this month", "outside our service area", "product not in our range", "customer already known to us"];
    private static readonly string[] LostReasons = ["lost on price", "customer postponed", "competitor installed", "no budget after all"];
    private static readonly string[] WonReasons = ["signed after site visit", "best service offer", "fast installation date"];
    private static readonly string[] NextStage = ["Needs analysis", "Proposal", "Negotiation"];
    private static readonly SalesActivityKind[] WorkKinds = [SalesActivityKind.Call, SalesActivityKind.Meeting, SalesActivityKind.Email];

    private readonly PriorityQueue<Func<Task>, (Instant At, long Order)> _agenda = new();
    private readonly Dictionary<PartnerId, PartnerBehaviour> _behaviour = [];
    private readonly Dictionary<LeadId, PartnerId> _awaiting = [];
    private readonly Dictionary<PartnerId, Partner> _partners = [];
    private readonly HashSet<LeadId> _comingBack = []; // in the queue or in nurture: watched after due work routes them
    private readonly HashSet<LeadId> _recycledLeads = [];
    private readonly HashSet<OpportunityId> _recycledDeals = [];
    private long _order;


    public SimulationStatistics Statistics { get; } = new();

    public static Instant Start => Instant.FromUtc(2026, 7, 1, 0, 0);

    public static Instant End => Instant.FromUtc(2026, 10, 1, 0, 0);

    public async Task RunAsync(int partnerCount, int leadCount)
    {
        foreach (var partner in SampleNetwork.Build(random, partnerCount))
        {
            await directory.UpsertAsync(partner);
            _partners[partner.Id] = partner;
            _behaviour[partner.Id] = PartnerBehaviour.Draw(random);
        }

        // Lead arrivals spread over the quarter; the escalation processor runs every hour, as a host would.
        var span = (End - Start).TotalSeconds;
        for (var i = 1; i <= leadCount; i++)
        {
            var number = i;
            At(Start + Duration.FromSeconds(random.NextDouble() * span), () => CaptureAsync(number));
        }

        // Registrations in the first three weeks: 60 working days of protection end in the quarter's last weeks.
        for (var i = 1; i <= Math.Max(3, leadCount / 100); i++)
        {
            var number = i;
            At(Start + Duration.FromSeconds(registering.NextDouble() * Duration.FromDays(21).TotalSeconds), () => RegisterAsync(number));
        }

        for (var hour = Start; hour < End; hour += Duration.FromHours(1))
        {
            At(hour, ProcessDueAsync);
        }

        while (_agenda.TryDequeue(out var action, out var when) && when.At < End)
        {
            if (when.At > clock.GetCurrentInstant())
            {
                clock.Reset(when.At);
            }

            await action();
            var day = (clock.GetCurrentInstant() - Start).Days;
            progress.Report((clock.GetCurrentInstant() - Start).TotalSeconds / span, $"day {day + 1}/92 · {Statistics.LeadsCaptured:N0} leads · {Statistics.OpportunitiesOpened:N0} deals · {Statistics.Recalls:N0} recalls");
        }

        clock.Reset(End);
        progress.Done();
    }

    private void At(Instant at, Func<Task> action) => _agenda.Enqueue(action, (at, _order++));

    private async Task CaptureAsync(int number)
    {
        var market = SampleNetwork.PickMarket(random);
        var id = new LeadId($"L{number:00000}");
        var company = random.Next(40) == 0 ? $"Company {random.Next(1, number + 1)}" : $"Company {number}";
        var details = new LeadDetails
        {
            Source = random.Next(3) switch { 0 => "trade-fair", 1 => "web-form", _ => "call-centre" },
            Company = company,
            Contact = new LeadContact($"Contact {number}", $"buyer@{company.Replace(' ', '-').ToLowerInvariant()}.example", null),
            Location = new LeadLocation(new CountryCode(market.Country), $"{random.Next(1, 10)}{random.Next(1000, 9999)}"),
            ProductInterest = SampleNetwork.ProductLines[random.Next(SampleNetwork.ProductLines.Length)],
            Language = market.Language,
            EstimatedValue = new Money((decimal)Math.Round(Math.Exp(9 + (1.2 * random.NextDouble())) / 100) * 100, CurrencyCode.EUR),
        };
        var captured = await intake.CaptureAsync(SampleNetwork.Tenant, id, details, "web");
        Statistics.LeadsCaptured++;
        if (captured.Duplicate is not null)
        {
            Statistics.DuplicatesLinked++;
        }

        var decision = await intake.QualifyAsync(SampleNetwork.Tenant, id, LeadQualification.Full, "inside-sales");
        if (decision?.Outcome == RoutingOutcome.Assigned)
        {
            Statistics.RoutedOnCapture++;
        }
        else if (decision?.Outcome == RoutingOutcome.Unroutable)
        {
            Statistics.UnroutableOnCapture++;
        }

        Observe(decision);
    }

    /// <summary>A partner registers a customer it found itself; the channel manager decides four hours later (one in six rejected).</summary>
    private async Task RegisterAsync(int number)
    {
        var partner = _partners.Values.OrderBy(p => p.Id.Value, StringComparer.Ordinal).ElementAt(registering.Next(_partners.Count));
        var market = SampleNetwork.PickMarket(registering);
        var id = new LeadId($"R{number:0000}");
        var details = new LeadDetails
        {
            Source = "deal-registration",
            Company = $"Registered customer {number}",
            Contact = new LeadContact($"Buyer {number}", $"buyer@registered-customer-{number}.example", null),
            Location = new LeadLocation(new CountryCode(market.Country)),
            ProductInterest = SampleNetwork.ProductLines[registering.Next(SampleNetwork.ProductLines.Length)],
            Language = market.Language,
            EstimatedValue = new Money(registering.Next(20, 120) * 500m, CurrencyCode.EUR),
        };
        await registrations.RegisterDealAsync(SampleNetwork.Tenant, partner.Id, id, details);
        Statistics.RegistrationsMade++;
        var rejected = registering.Next(6) == 0;
        At(clock.GetCurrentInstant() + Duration.FromHours(4), async () =>
        {
            if (rejected)
            {
                await registrations.RejectDealAsync(SampleNetwork.Tenant, id, "customer already served by another partner", "channel-manager");
                Statistics.RegistrationsRejected++;
            }
            else
            {
                await registrations.ApproveDealAsync(SampleNetwork.Tenant, id, "channel-manager");
                Statistics.RegistrationsApproved++;
            }
        });
    }

    private void Observe(RoutingDecision? decision)
    {
        if (decision is { Outcome: RoutingOutcome.Assigned, Partner: { } partner })
        {
            Observe(decision.Lead, partner);
        }
        else if (decision is { Outcome: RoutingOutcome.Unroutable })
        {
            _comingBack.Add(decision.Lead);
        }
    }

    /// <summary>A partner got the lead: decide now how and when it will react.</summary>
    private void Observe(LeadId lead, PartnerId partner)
    {
        _awaiting[lead] = partner;
        var behaviour = _behaviour[partner];
        var roll = random.NextDouble();
        if (roll >= behaviour.AcceptShare + behaviour.RejectShare)
        {
            return; // silent: the escalation ladder will remind, escalate and recall
        }

        var hours = behaviour.MedianHoursToReact * Math.Exp(random.NextDouble() - 0.5);
        var at = _partners[partner].Calendar.AddWorkingTime(clock.GetCurrentInstant(), Duration.FromMinutes(Math.Round(hours * 60)));
        if (roll < behaviour.AcceptShare)
        {
            At(at, () => AcceptAsync(lead, partner));
        }
        else
        {
            var reason = RejectReasons[random.Next(RejectReasons.Length)];
            At(at, () => RejectAsync(lead, partner, reason));
        }
    }

    private async Task AcceptAsync(LeadId lead, PartnerId partner)
    {
        if (!_awaiting.TryGetValue(lead, out var current) || current != partner)
        {
            Statistics.AcceptedTooLate++;
            return;
        }

        _awaiting.Remove(lead);
        await partnerLeads.AcceptAsync(SampleNetwork.Tenant, partner, lead);
        Statistics.Accepted++;
        At(clock.GetCurrentInstant() + Duration.FromHours(4 + random.Next(72)), () => ConvertAsync(lead, partner));
    }

    private async Task RejectAsync(LeadId lead, PartnerId partner, string reason)
    {
        if (!_awaiting.TryGetValue(lead, out var current) || current != partner)
        {
            return;
        }

        _awaiting.Remove(lead);
        Statistics.Rejected++;
        Observe(await partnerLeads.RejectAsync(SampleNetwork.Tenant, partner, lead, reason));
    }

    private async Task ConvertAsync(LeadId lead, PartnerId partner)
    {
        var today = clock.GetCurrentInstant().InUtc().Date;
        var deal = await partnerLeads.ConvertAsync(SampleNetwork.Tenant, partner, lead, new OpportunityId("O" + lead.Value[1..]), today.PlusDays(30 + random.Next(150)));
        Statistics.OpportunitiesOpened++;
        if (_recycledLeads.Contains(lead))
        {
            _recycledDeals.Add(deal.Id);
        }

        ScheduleStep(deal.Id, partner);
    }

    private void ScheduleStep(OpportunityId id, PartnerId partner)
    {
        var wait = Duration.FromHours(24 * (4 + random.Next(24)));
        At(clock.GetCurrentInstant() + wait, () => StepAsync(id, partner));
        if (work.Next(3) > 0)
        {
            // Two partners in three work the deal between steps (and log it the next morning), which keeps it from going stale.
            At(clock.GetCurrentInstant() + (wait / 2), () => WorkAsync(id, partner));
        }
    }

    /// <summary>The partner logs a call, meeting or e-mail some hours after it happened, and now and then agrees a next step.</summary>
    private async Task WorkAsync(OpportunityId id, PartnerId partner)
    {
        var now = clock.GetCurrentInstant();
        var kind = WorkKinds[work.Next(WorkKinds.Length)];
        try
        {
            await partnerDeals.RecordActivityAsync(SampleNetwork.Tenant, partner, id, new SalesActivityDraft(kind, $"{kind} with the customer") { OccurredAt = now - Duration.FromHours(work.Next(1, 18)) });
            Statistics.Activities++;
            if (work.Next(4) == 0)
            {
                await partnerDeals.UpdateAsync(SampleNetwork.Tenant, partner, id, new PartnerOpportunityUpdate { NextStep = "Review the offer on site", NextStepDueAt = now + Duration.FromDays(work.Next(3, 15)) });
                Statistics.NextSteps++;
            }
        }
        catch (InvalidStateTransitionException)
        {
            // Closed meanwhile (a step came first): nothing to log.
        }
    }

    /// <summary>The partner works the deal: advance, slip, or close it.</summary>
    private async Task StepAsync(OpportunityId id, PartnerId partner)
    {
        var deal = (await opportunities.FindAsync(AccessScope.ForPartner(SampleNetwork.Tenant, partner), id))!;
        var actor = partner.Value;
        var winRate = _behaviour[partner].WinRate;
        var stageIndex = Array.IndexOf(NextStage, deal.Stage.Name);
        var roll = random.NextDouble();
        if (roll < 0.05)
        {
            deal.CloseLost(LostReasons[random.Next(LostReasons.Length)], actor, clock);
            Statistics.Lost++;
        }
        else if (deal.Stage.Name == "Negotiation")
        {
            if (roll < 0.05 + winRate)
            {
                deal.CloseWon(WonReasons[random.Next(WonReasons.Length)], actor, clock);
                Statistics.Won++;
                Statistics.WonAfterRecycling += _recycledDeals.Contains(id) ? 1 : 0;
            }
            else
            {
                deal.CloseLost(LostReasons[random.Next(LostReasons.Length)], actor, clock);
                Statistics.Lost++;
            }
        }
        else if (roll < 0.75)
        {
            deal.MoveToStage(NextStage[stageIndex + 1], actor, clock);
            if (random.Next(5) == 0)
            {
                var change = 0.85m + (0.3m * (decimal)random.NextDouble());
                deal.ChangeAmount(Money.Round(deal.Amount.Amount * change, deal.Amount.Currency), actor, clock);
            }
        }
        else
        {
            deal.ChangeExpectedClose(deal.ExpectedClose.PlusDays(14 + random.Next(45)), actor, clock); // close-date slip
            if (random.Next(3) == 0)
            {
                deal.OverrideProbability(Probability.FromPercent(Math.Clamp((int)(deal.Probability.BasisPoints / 100m) + random.Next(-10, 11), 1, 95)), actor, clock);
            }
        }

        await opportunities.UpdateAsync(deal);
        if (!deal.IsClosed)
        {
            ScheduleStep(id, partner);
        }
        else if (deal.CloseReason is "customer postponed" or "no budget after all" && !_recycledDeals.Contains(id))
        {
            // The customer may come back: the lost deal becomes a lead in nurture, routed after the cooldown.
            var lead = await recycling.RecycleLostDealAsync(SampleNetwork.Tenant, id, $"{deal.CloseReason}: ask again", "marketing");
            _recycledLeads.Add(lead.Id);
            _comingBack.Add(lead.Id);
            Statistics.LeadsRecycled++;
        }
    }

    private async Task ProcessDueAsync()
    {
        var report = await dueWork.ProcessDueAsync(clock.GetCurrentInstant());
        Statistics.Reminders += report.Reminders;
        Statistics.Escalations += report.Escalations;
        Statistics.Recalls += report.Recalls;
        Statistics.Rerouted += report.Rerouted;
        Statistics.UnroutableAfterRecall += report.Unroutable;
        Statistics.FollowUps += report.FollowUps;
        Statistics.QueueRetries += report.QueueRetries;
        Statistics.RegistrationWarnings += report.RegistrationWarnings;
        Statistics.RegistrationsExpired += report.RegistrationsExpired;
        if (report.ReturnedFromNurture + report.QueueRetries > 0)
        {
            await ObserveComebacksAsync();
        }

        if (report.Recalls == 0)
        {
            return;
        }

        // Recalled leads went to another partner (or the manufacturer's queue): learn who has them now.
        foreach (var (lead, previous) in _awaiting.ToList())
        {
            var last = (await router.ExplainAsync(SampleNetwork.Tenant, lead))[^1];
            if (last.At != clock.GetCurrentInstant())
            {
                continue; // not re-routed in this run
            }

            _awaiting.Remove(lead);
            if (last.Outcome == RoutingOutcome.Assigned && last.Partners[0] != previous)
            {
                Observe(lead, last.Partners[0]);
            }
            else if (last.Outcome == RoutingOutcome.Unroutable)
            {
                _comingBack.Add(lead);
            }
        }
    }

    /// <summary>Due work routed leads of the queue or out of nurture: the partners that got one react.</summary>
    private async Task ObserveComebacksAsync()
    {
        foreach (var lead in _comingBack.ToList())
        {
            var decisions = await router.ExplainAsync(SampleNetwork.Tenant, lead);
            if (decisions.Count > 0 && decisions[^1] is { Outcome: RoutingOutcome.Assigned } last && last.At == clock.GetCurrentInstant())
            {
                _comingBack.Remove(lead);
                Observe(lead, last.Partners[0]);
            }
        }
    }
}
