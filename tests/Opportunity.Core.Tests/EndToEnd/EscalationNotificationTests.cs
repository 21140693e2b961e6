using NodaTime;
using Opportunity.Core.Tests.Notifications;
using Opportunity.Core.Tests.Workflows;
using Opportunity.Leads;
using Opportunity.Notifications;

namespace Opportunity.Core.Tests.EndToEnd;

/// <summary>
/// Routing, the escalation ladder and the notification dispatcher together: a partner that does
/// not react hears about the lead, then gets a reminder, then its channel manager is told, then the
/// lead is recalled — each exactly once, at the right working hour, through the outbox.
/// </summary>
public sealed class EscalationNotificationTests
{
    [Fact]
    public async Task SilentPartner_GetsOfferReminderThenManagerEscalation_EachOnce()
    {
        // Monday 2025-03-03 09:00 UTC; the partner works 9–17 UTC on weekdays.
        using var harness = DistributionHarness.Create(Instant.FromUtc(2025, 3, 3, 9, 0));
        var partner = DistributionHarness.Partner("p1", channelManager: "cm@acme.example") with { ContactEmail = "sales@p1.example" };
        await harness.AddPartnersAsync(partner);
        var mail = new RecordingChannel("mail");
        using var dispatcher = NotificationTestKit.Dispatcher(harness.Store, harness.Store, harness.Clock, channels: mail);

        var lead = await harness.CaptureAndQualifyAsync("L-1");
        Assert.Equal(LeadState.Assigned, lead.State);
        await dispatcher.DispatchDueAsync();

        // 3h59m of working time later nothing is due; at 4h the reminder fires.
        harness.Clock.AdvanceMinutes((3 * 60) + 59);
        await harness.Processor.ProcessDueAsync(harness.Clock.GetCurrentInstant());
        await dispatcher.DispatchDueAsync();
        Assert.DoesNotContain(mail.Delivered, n => n.EventType == nameof(AcceptanceReminderDue));
        harness.Clock.AdvanceMinutes(1);
        await harness.Processor.ProcessDueAsync(harness.Clock.GetCurrentInstant());
        await harness.Processor.ProcessDueAsync(harness.Clock.GetCurrentInstant()); // a second run fires nothing again
        await dispatcher.DispatchDueAsync();

        // 8 working hours after 09:00 Monday is 17:00 Monday: the channel manager hears of it.
        harness.Clock.AdvanceHours(4);
        await harness.Processor.ProcessDueAsync(harness.Clock.GetCurrentInstant());
        await dispatcher.DispatchDueAsync();

        var delivered = mail.Delivered.ToList();
        var offer = Assert.Single(delivered, n => n.EventType == nameof(LeadAssigned));
        Assert.Equal("sales@p1.example", offer.Recipient.Address);
        var reminder = Assert.Single(delivered, n => n.EventType == nameof(AcceptanceReminderDue));
        Assert.Equal(NotificationAudience.Partner, reminder.Recipient.Audience);
        Assert.Equal(Instant.FromUtc(2025, 3, 3, 13, 0), reminder.EventOccurredAt);
        var escalation = Assert.Single(delivered, n => n.EventType == nameof(LeadEscalated) && n.Recipient.Audience == NotificationAudience.ChannelManager);
        Assert.Equal("cm@acme.example", escalation.Recipient.Address);
        Assert.Equal(Instant.FromUtc(2025, 3, 3, 17, 0), escalation.EventOccurredAt);
        Assert.Equal(delivered.Count, delivered.Select(n => n.Id).Distinct().Count());
    }
}
