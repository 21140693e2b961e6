using MimeKit;
using NodaTime;
using Opportunity.Leads;
using SmtpServer.Protocol;

namespace Opportunity.Notifications.Smtp.Tests.Delivery;

/// <summary>End to end against a real SMTP server on 127.0.0.1: outbox → dispatcher → MailKit → SmtpServer.</summary>
public sealed class SmtpDeliveryTests : IAsyncLifetime
{
    private readonly NodaTime.Testing.FakeClock _clock = SmtpTestKit.Clock();
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Dispatch_LeadAssigned_MailArrivesWithRecipientSubjectBodiesAndMessageId()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);
        var (store, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [channel], SmtpTestKit.Assigned());
        using var _ = dispatcher;

        var summary = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, summary.Delivered);
        var mail = Assert.Single(_server.Mails);
        Assert.Equal("leads@acme.example", mail.EnvelopeFrom);
        Assert.Equal(["sales@mueller.example"], mail.EnvelopeTo);
        var message = mail.Message;
        var to = Assert.IsType<MailboxAddress>(Assert.Single(message.To));
        Assert.Equal(("Müller & Söhne", "sales@mueller.example"), (to.Name, to.Address));
        Assert.Equal("ACME Partner Desk", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Name);
        Assert.Equal("Neuer Lead L-1: bitte bis 2025-03-03T17:00:00Z annehmen", message.Subject);
        Assert.Contains("Hallo Müller & Söhne,", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p>Hallo Müller &amp; Söhne,</p>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Matches("^msg_[a-z2-7]{32}@acme\\.example$", message.MessageId);
        Assert.Equal("de", message.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("LeadAssigned", message.Headers["X-Opportunity-Event"]);
        Assert.Equal("Lead/L-1/2@acme", message.Headers["X-Opportunity-Event-Id"]);
        Assert.Equal(SmtpTestKit.Start.ToDateTimeOffset(), message.Date);
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task Dispatch_LeadRecalled_EachRecipientGetsItsOwnMail()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);
        var (_, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [channel], SmtpTestKit.Event(new LeadRecalled(SmtpTestKit.PartnerId)));
        using var _ = dispatcher;

        await dispatcher.DispatchDueAsync();

        var mails = _server.Mails.OrderBy(m => m.EnvelopeTo[0], StringComparer.Ordinal).ToList();
        Assert.Equal(2, mails.Count);
        Assert.Equal(["cm@acme.example"], mails[0].EnvelopeTo);
        Assert.Equal("Müller & Söhne did not accept lead L-1 in time", mails[0].Message.Subject);
        Assert.Equal(["sales@mueller.example"], mails[1].EnvelopeTo);
        Assert.Equal("Lead L-1 wurde zurückgezogen", mails[1].Message.Subject);
        Assert.NotEqual(mails[0].Message.MessageId, mails[1].Message.MessageId);
    }

    [Fact]
    public async Task Dispatch_ServerDownForAWhile_NothingLostAllDeliveredWhenItIsBack()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);
        await _server.StopAsync();
        var (store, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [channel], SmtpTestKit.Assigned("L-1"), SmtpTestKit.Assigned("L-2"), SmtpTestKit.Assigned("L-3"));
        using var _ = dispatcher;

        var down1 = await dispatcher.DispatchDueAsync();
        _clock.Advance(Duration.FromMinutes(5));
        var down2 = await dispatcher.DispatchDueAsync();
        await _server.RestartAsync();
        _clock.Advance(Duration.FromMinutes(5));
        var back = await dispatcher.DispatchDueAsync();

        Assert.Equal((3, 0), (down1.Retried, down1.Delivered));
        Assert.Equal((3, 0), (down2.Retried, down2.Delivered));
        Assert.Equal(3, back.Delivered);
        Assert.Equal(["L-1", "L-2", "L-3"], _server.Mails.Select(m => m.Message.Headers["X-Opportunity-Event-Id"]!.Split('/')[1]).Order(StringComparer.Ordinal));
        Assert.Empty(await store.ListPendingAsync());
        Assert.Empty(await store.ListDeadLettersAsync());
    }

    [Fact]
    public async Task Dispatch_5xxReply_DeadLettered()
    {
        _server.Respond = _ => new SmtpResponse((SmtpReplyCode)554, "Transaction failed: policy violation");
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);
        var (store, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [channel], SmtpTestKit.Assigned());
        using var _ = dispatcher;

        var summary = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, summary.DeadLettered);
        var dead = Assert.Single(await store.ListDeadLettersAsync());
        Assert.StartsWith("SMTP 554", dead.Reason, StringComparison.Ordinal);
        Assert.Empty(_server.Mails);
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task Dispatch_4xxReply_RetriedAndDeliveredLaterWithSameMessageId()
    {
        _server.Respond = attempt => attempt == 1 ? new SmtpResponse((SmtpReplyCode)451, "Try again later") : SmtpResponse.Ok;
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);
        var (store, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [channel], SmtpTestKit.Assigned());
        using var _ = dispatcher;

        var first = await dispatcher.DispatchDueAsync();
        var pending = Assert.Single(await store.ListPendingAsync());
        _clock.Advance(pending.DueAt - _clock.GetCurrentInstant());
        var second = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, first.Retried);
        Assert.StartsWith("SMTP 451", pending.LastError, StringComparison.Ordinal);
        Assert.Equal(1, second.Delivered);
        Assert.Equal($"{pending.Id}@acme.example", Assert.Single(_server.Mails).Message.MessageId);
        Assert.Empty(await store.ListDeadLettersAsync());
    }

    [Fact]
    public async Task Dispatch_TwoChannelsByAudience_RoutePartnerAndInternalMailSeparately()
    {
        await using var internalRelay = await SmtpTestServer.StartAsync();
        var partners = new SmtpNotificationChannel(SmtpTestKit.Options(_server, o => { o.Audiences.Clear(); o.Audiences.Add(NotificationAudience.Partner); }), _clock);
        var internalMail = new SmtpNotificationChannel(
            SmtpTestKit.Options(internalRelay, o => { o.Audiences.Remove(NotificationAudience.Partner); }), _clock, name: "smtp-internal");
        var (_, dispatcher) = await SmtpTestKit.PipelineAsync(_clock, [partners, internalMail], SmtpTestKit.Event(new LeadRecalled(SmtpTestKit.PartnerId)));
        using var _ = dispatcher;

        await dispatcher.DispatchDueAsync();

        Assert.Equal(["sales@mueller.example"], Assert.Single(_server.Mails).EnvelopeTo);
        Assert.Equal(["cm@acme.example"], Assert.Single(internalRelay.Mails).EnvelopeTo);
    }

    [Fact]
    public async Task Deliver_InvalidRecipientAddress_FailsPermanentlyWithoutConnecting()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);

        var result = await channel.DeliverAsync(SmtpTestKit.Notification("not-an-address"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("'not-an-address'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_HostNotification_FailsPermanently()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server), _clock);

        var result = await channel.DeliverAsync(SmtpTestKit.Notification() with { Content = null });

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(_server.Mails);
    }

    [Fact]
    public async Task Deliver_StartTlsRequiredButNotOffered_FailsPermanently()
    {
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(_server, o => o.Security = SmtpSecurity.StartTls), _clock);

        var result = await channel.DeliverAsync(SmtpTestKit.Notification());

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("STARTTLS", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_server.Mails);
    }
}
