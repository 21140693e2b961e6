using NodaTime;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

public sealed class NotificationDispatcherTests
{
    private static readonly NotificationRecipient Hook = new("crm", NotificationAudience.Host);

    [Fact]
    public async Task DispatchDueAsync_LeadAssigned_MailsPartnerInItsLanguageAndPostsEventToHost()
    {
        var clock = Clock();
        var store = await StoreWith(Partner("de", "fr"), Assigned());
        var mail = new RecordingChannel("mail");
        var hooks = new RecordingChannel("hooks", [Hook]);
        using var dispatcher = Dispatcher(store, store, clock, channels: [mail, hooks]);

        var summary = await dispatcher.DispatchDueAsync();

        var toPartner = Assert.Single(mail.Delivered);
        Assert.Equal("sales@mueller.example", toPartner.Recipient.Address);
        Assert.Equal(NotificationAudience.Partner, toPartner.Recipient.Audience);
        Assert.Equal("Müller & Söhne", toPartner.Recipient.DisplayName);
        Assert.Equal("de", toPartner.Content!.Language);
        Assert.Equal("Neuer Lead L-1: bitte bis 2025-03-03T17:00:00Z annehmen", toPartner.Content.Subject);
        Assert.Contains("Hallo Müller & Söhne,", toPartner.Content.TextBody, StringComparison.Ordinal);
        Assert.Contains("Hallo Müller &amp; Söhne,", toPartner.Content.HtmlBody, StringComparison.Ordinal);
        var toHost = Assert.Single(hooks.Delivered);
        Assert.Null(toHost.Content);
        Assert.Equal("Lead/L-1/1@acme", toHost.EventId);
        Assert.Contains("\"acceptanceDeadline\":\"2025-03-03T17:00:00Z\"", toHost.EventJson, StringComparison.Ordinal);
        Assert.NotEqual(toPartner.Id, toHost.Id);
        Assert.Equal(new DispatchSummary(Claimed: 3, EventsFannedOut: 1, NotificationsCreated: 2, Delivered: 2, Retried: 0, DeadLettered: 0, LeasesLost: 0, Failed: 0), summary);
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task DispatchDueAsync_LeadOfferedToTwoPartners_MailsEachOfferedPartnerAndPostsTheEventOnce()
    {
        var p2 = new PartnerId("p-2");
        var store = await StoreWith(Partner("de"), Message(Stamp(new LeadOffered([P1, p2], Start + Duration.FromHours(8)))));
        await store.UpsertAsync(new Opportunity.Partners.Partner(Tenant, p2, "Nordlicht Solar", Opportunity.Partners.PartnerTier.Silver) { ContactEmail = "leads@nordlicht.example" });
        var mail = new RecordingChannel("mail");
        var hooks = new RecordingChannel("hooks", [Hook]);
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail, hooks]);

        await dispatcher.DispatchDueAsync();

        var byAddress = mail.Delivered.ToDictionary(n => n.Recipient.Address);
        Assert.Equal(["leads@nordlicht.example", "sales@mueller.example"], byAddress.Keys.Order(StringComparer.Ordinal));
        Assert.All(byAddress.Values, n => Assert.Equal(NotificationAudience.Partner, n.Recipient.Audience));
        Assert.Equal("Lead L-1 angeboten: wer ihn bis 2025-03-03T17:00:00Z zuerst annimmt, erhält ihn", byAddress["sales@mueller.example"].Content!.Subject);
        Assert.Equal("Lead L-1 offered to you: the first partner to accept by 2025-03-03T17:00:00Z gets it", byAddress["leads@nordlicht.example"].Content!.Subject);
        Assert.Contains("Hello Nordlicht Solar,", byAddress["leads@nordlicht.example"].Content!.TextBody, StringComparison.Ordinal);
        Assert.Single(hooks.Delivered);
    }

    [Fact]
    public async Task DispatchDueAsync_LeadRecalled_NotifiesPartnerAndChannelManagerSeparately()
    {
        var store = await StoreWith(Partner(), Message(Stamp(new LeadRecalled(P1))));
        var mail = new RecordingChannel("mail");
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);

        await dispatcher.DispatchDueAsync();

        var byAudience = mail.Delivered.ToDictionary(n => n.Recipient.Audience);
        Assert.Equal("sales@mueller.example", byAudience[NotificationAudience.Partner].Recipient.Address);
        Assert.Equal("Lead L-1 has been withdrawn", byAudience[NotificationAudience.Partner].Content!.Subject);
        Assert.Equal("cm@acme.example", byAudience[NotificationAudience.ChannelManager].Recipient.Address);
        Assert.Equal("Müller & Söhne did not accept lead L-1 in time", byAudience[NotificationAudience.ChannelManager].Content!.Subject);
        Assert.Equal(2, byAudience.Count);
    }

    [Fact]
    public async Task DispatchDueAsync_UnroutableLead_GoesToOperationsInbox()
    {
        var store = await StoreWith(Partner(), Message(Stamp(new LeadUnroutable("no partner in territory DE-99"))));
        var mail = new RecordingChannel("mail");
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);

        await dispatcher.DispatchDueAsync();

        var n = Assert.Single(mail.Delivered);
        Assert.Equal(("ops@acme.example", NotificationAudience.Operations), (n.Recipient.Address, n.Recipient.Audience));
        Assert.Contains("Reason: no partner in territory DE-99", n.Content!.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_EventWithoutTemplate_ReachesHostsOnly()
    {
        var store = await StoreWith(Partner(), Message(Stamp(new LeadQualified())));
        var mail = new RecordingChannel("mail");
        var hooks = new RecordingChannel("hooks", [Hook]);
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail, hooks]);

        await dispatcher.DispatchDueAsync();

        Assert.Empty(mail.Attempts);
        Assert.Equal("LeadQualified", Assert.Single(hooks.Delivered).EventType);
    }

    [Fact]
    public async Task DispatchDueAsync_NewEventTypeWithRegisteredTemplate_IsMailed()
    {
        var store = await StoreWith(Partner(), Message(Stamp(new ReminderDueForTest(P1, 2))));
        var mail = new RecordingChannel("mail");
        using var dispatcher = Dispatcher(store, store, Clock(), o => o.Templates.Set<ReminderDueForTest>(NotificationAudience.Partner, "en", "Reminder {round} for {aggregateId}", "Hello {partnerName}"), channels: [mail]);

        await dispatcher.DispatchDueAsync();

        Assert.Equal("Reminder 2 for L-1", Assert.Single(mail.Delivered).Content!.Subject);
    }

    [Fact]
    public async Task DispatchDueAsync_FanOut_EnqueuesNotificationsInTheCompleteCallOfTheEvent()
    {
        var store = new RecordingOutbox(await StoreWith(Partner(), Assigned()));
        using var dispatcher = Dispatcher(store, store.Inner, Clock(), channels: [new RecordingChannel("mail"), new RecordingChannel("hooks", [Hook])]);

        await dispatcher.DispatchDueAsync();

        var eventCompletion = Assert.Single(store.Completions, c => c.MessageId == "Lead/L-1/1@acme");
        Assert.Equal(["hooks", "mail"], eventCompletion.FollowUps.Select(f => f.Topic).Order());
        Assert.Equal(0, store.EnqueueCalls);
    }

    [Fact]
    public async Task DispatchDueAsync_SameEventFannedOutByTwoStores_YieldsTheSameNotificationIds()
    {
        async Task<string[]> IdsAsync()
        {
            var store = await StoreWith(Partner(), Assigned());
            var mail = new RecordingChannel("mail");
            using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);
            await dispatcher.DispatchDueAsync();
            return [.. mail.Delivered.Select(n => n.Id)];
        }

        var first = await IdsAsync();
        Assert.Equal(first, await IdsAsync());
        Assert.Matches("^msg_[a-z2-7]{32}$", Assert.Single(first));
    }

    [Fact]
    public async Task DispatchDueAsync_TransientFailure_RetriesWithBackoffAndSameId()
    {
        var clock = Clock();
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, attempt) => attempt == 1 ? DeliveryResult.Transient("451 try later") : DeliveryResult.Delivered };
        using var dispatcher = Dispatcher(store, store, clock, channels: [mail]);

        var first = await dispatcher.DispatchDueAsync();
        var pending = Assert.Single(await store.ListPendingAsync());
        Assert.Equal(1, first.Retried);
        Assert.Equal(1, pending.Attempts);
        Assert.Equal("451 try later", pending.LastError);
        Assert.InRange(pending.DueAt, Start + Duration.FromSeconds(15), Start + Duration.FromSeconds(30));
        Assert.Equal(pending.DueAt, Start + dispatcher.Backoff.DelayFor(pending.Id, 1));

        Assert.Equal(0, (await dispatcher.DispatchDueAsync()).Claimed);
        clock.Advance(Duration.FromSeconds(30));
        var second = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, second.Delivered);
        Assert.Equal(2, mail.Attempts.Count);
        Assert.Single(mail.Attempts.Select(n => n.Id).Distinct());
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task DispatchDueAsync_RetryAfterLongerThanBackoff_IsHonoured()
    {
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, _) => DeliveryResult.Transient("429", Duration.FromMinutes(10)) };
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);

        await dispatcher.DispatchDueAsync();

        Assert.Equal(Start + Duration.FromMinutes(10), Assert.Single(await store.ListPendingAsync()).DueAt);
    }

    [Fact]
    public async Task DispatchDueAsync_PermanentFailure_DeadLettersAndRequeueDeliversLater()
    {
        var clock = Clock();
        var store = await StoreWith(Partner(), Assigned());
        var failing = true;
        var mail = new RecordingChannel("mail") { Behaviour = (_, _) => failing ? DeliveryResult.Permanent("550 mailbox unavailable") : DeliveryResult.Delivered };
        using var dispatcher = Dispatcher(store, store, clock, channels: [mail]);

        var summary = await dispatcher.DispatchDueAsync();

        var dead = Assert.Single(await dispatcher.ListDeadLettersAsync(Tenant));
        Assert.Equal(1, summary.DeadLettered);
        Assert.Equal("550 mailbox unavailable", dead.Reason);
        Assert.Equal("mail", dead.Message.Topic);
        Assert.Empty(await dispatcher.ListDeadLettersAsync(new TenantId("other")));
        Assert.Empty(await store.ListPendingAsync());

        failing = false;
        clock.Advance(Duration.FromDays(3));
        Assert.Equal(1, await dispatcher.RequeueDeadLettersAsync(d => d.Message.Topic == "mail"));
        Assert.False(await dispatcher.RequeueDeadLetterAsync(dead.Message.Id));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Delivered);
        Assert.Empty(await dispatcher.ListDeadLettersAsync());
        Assert.Equal(dead.Message.Id, mail.Delivered.Single().Id);
    }

    [Fact]
    public async Task DispatchDueAsync_TransientFailuresUpToMaxAttempts_DeadLettersWithLastError()
    {
        var clock = Clock();
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, n) => DeliveryResult.Transient($"421 busy ({n})") };
        using var dispatcher = Dispatcher(store, store, clock, o => o.MaxAttempts = 3, channels: [mail]);

        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchDueAsync();
            clock.Advance(Duration.FromHours(1));
        }

        Assert.Equal(3, mail.Attempts.Count);
        var dead = Assert.Single(await store.ListDeadLettersAsync());
        Assert.Equal("Gave up after 3 attempt(s); last error: 421 busy (3)", dead.Reason);
        Assert.Equal(3, dead.Message.Attempts);
    }

    [Fact]
    public async Task DispatchDueAsync_ReceiverErrorWithNulAndLoneSurrogate_RecordedUnderTheFreeTextRule()
    {
        // PostgreSQL cannot hold NUL: a receiver's raw text must not make the outbox write fail.
        var clock = Clock();
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, n) => n == 1 ? DeliveryResult.Transient("451\0 busy\uD800\tnow") : DeliveryResult.Permanent("550\u0007 gone") };
        using var dispatcher = Dispatcher(store, store, clock, channels: [mail]);

        await dispatcher.DispatchDueAsync();
        Assert.Equal("451\uFFFD busy\uFFFD\tnow", Assert.Single(await store.ListPendingAsync()).LastError);
        clock.Advance(Duration.FromHours(1));
        await dispatcher.DispatchDueAsync();

        Assert.Equal("550\uFFFD gone", Assert.Single(await store.ListDeadLettersAsync()).Reason);
    }

    [Fact]
    public async Task DispatchDueAsync_ChannelThrows_TreatedAsTransient()
    {
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, _) => throw new IOException("connection reset") };
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);

        var summary = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, summary.Retried);
        Assert.Equal("IOException: connection reset", Assert.Single(await store.ListPendingAsync()).LastError);
    }

    [Fact]
    public async Task DispatchDueAsync_MessageForUnknownChannel_DeadLettersNamingTheChannel()
    {
        var store = await StoreWith(Partner(), new OutboxMessage("msg_x", Tenant, "sms", "LeadAssigned", "{}", Start));
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [new RecordingChannel("mail")]);

        await dispatcher.DispatchDueAsync();

        Assert.Contains("'sms'", Assert.Single(await store.ListDeadLettersAsync()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_UnreadableEvent_DeadLettersInsteadOfRetryingForever()
    {
        var store = await StoreWith(Partner(), new OutboxMessage("Lead/L-9/1", Tenant, OutboxMessage.DomainEventTopic, "LeadAssigned", "{not json", Start));
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [new RecordingChannel("mail")]);

        await dispatcher.DispatchDueAsync();

        Assert.StartsWith("Unreadable domain event", Assert.Single(await store.ListDeadLettersAsync()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_PartnerDirectoryFails_RetriesTheEvent()
    {
        var store = await StoreWith(Partner(), Assigned());
        using var dispatcher = Dispatcher(store, new FailingDirectory(), Clock(), channels: [new RecordingChannel("mail")]);

        var summary = await dispatcher.DispatchDueAsync();

        Assert.Equal(1, summary.Retried);
        var pending = Assert.Single(await store.ListPendingAsync());
        Assert.Equal(OutboxMessage.DomainEventTopic, pending.Topic);
        Assert.Contains("directory down", pending.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_UnknownPartner_StillNotifiesHosts()
    {
        var store = new InMemoryStore();
        await store.EnqueueAsync([Assigned()]);
        var mail = new RecordingChannel("mail");
        var hooks = new RecordingChannel("hooks", [Hook]);
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail, hooks]);

        await dispatcher.DispatchDueAsync();

        Assert.Empty(mail.Attempts);
        Assert.Single(hooks.Delivered);
    }

    [Fact]
    public async Task DispatchDueAsync_EventsFromARealLeadLifecycle_AreAllDelivered()
    {
        var clock = Clock();
        var store = new InMemoryStore();
        await store.UpsertAsync(Partner());
        var lead = Lead.Capture(Tenant, new LeadId("L-7"), new LeadDetails { Source = "web" }, "web-form", clock);
        lead.Qualify(LeadQualification.Full, "sdr", clock);
        lead.Assign(P1, Start + Duration.FromHours(4), "router", clock);
        await store.AddAsync(lead);
        lead.Reject(P1, "no capacity", clock);
        await store.UpdateAsync(lead);
        var mail = new RecordingChannel("mail");
        using var dispatcher = Dispatcher(store, store, clock, channels: [mail]);

        await dispatcher.DispatchDueAsync();

        Assert.Equal(
            [("LeadAssigned", NotificationAudience.Partner), ("LeadRejected", NotificationAudience.ChannelManager)],
            mail.Delivered.Select(n => (n.EventType, n.Recipient.Audience)).Order());
        Assert.Contains("Reason: no capacity", mail.Delivered.Single(n => n.EventType == "LeadRejected").Content!.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchDueAsync_TwoDispatchersAtOnce_DeliverEachNotificationOnce()
    {
        var clock = Clock();
        var events = Enumerable.Range(1, 60).Select(i => Assigned($"L-{i}")).ToArray();
        var store = await StoreWith(Partner(), events);
        var mail = new RecordingChannel("mail");
        var hooks = new RecordingChannel("hooks", [Hook]);
        using var a = Dispatcher(store, store, clock, o => o.BatchSize = 7, channels: [mail, hooks]);
        using var b = Dispatcher(store, store, clock, o => o.BatchSize = 5, channels: [mail, hooks]);

        await Task.WhenAll(Task.Run(() => a.DispatchDueAsync()), Task.Run(() => b.DispatchDueAsync()), Task.Run(() => a.DispatchDueAsync()));
        await a.DispatchDueAsync();

        Assert.NotEqual(a.WorkerId, b.WorkerId);
        var delivered = mail.Delivered.Concat(hooks.Delivered).Select(n => n.Id).ToList();
        Assert.Equal(120, delivered.Count);
        Assert.Equal(120, delivered.Distinct().Count());
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public async Task DispatchDueAsync_Cancelled_LeavesMessagesPendingForLater()
    {
        var store = await StoreWith(Partner(), Assigned());
        using var cts = new CancellationTokenSource();
        var mail = new RecordingChannel("mail") { Behaviour = (_, _) => { cts.Cancel(); cts.Token.ThrowIfCancellationRequested(); return DeliveryResult.Delivered; } };
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [mail]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatcher.DispatchDueAsync(cts.Token));

        var pending = Assert.Single(await store.ListPendingAsync());
        Assert.Equal(0, pending.Attempts);
        Assert.Empty(await store.ListDeadLettersAsync());
    }

    [Fact]
    public void Constructor_DuplicateChannelNames_ThrowsNamingTheChannel()
    {
        var store = new InMemoryStore();

        var ex = Assert.Throws<ArgumentException>(() => Dispatcher(store, store, Clock(), channels: [new RecordingChannel("mail"), new RecordingChannel("mail")]));

        Assert.Contains("'mail'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOptionsValidationNamingTheOption()
    {
        var store = new InMemoryStore();

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => Dispatcher(store, store, Clock(), o => o.MaxAttempts = 0));

        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
    }

    private sealed record ReminderDueForTest(PartnerId Partner, int Round) : DomainEvent;

    private sealed class FailingDirectory : IPartnerDirectory
    {
        public Task<Opportunity.Partners.Partner?> FindAsync(TenantId tenant, PartnerId id, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("directory down");

        public IAsyncEnumerable<Opportunity.Partners.Partner> ListAsync(TenantId tenant, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task UpsertAsync(Opportunity.Partners.Partner partner, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
