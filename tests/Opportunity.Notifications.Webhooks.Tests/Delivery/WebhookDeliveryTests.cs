using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using StandardWebhooks;

namespace Opportunity.Notifications.Webhooks.Tests.Delivery;

/// <summary>End to end: outbox → dispatcher → webhook channel → a real Kestrel receiver on 127.0.0.1 that verifies signatures.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly FakeClock _clock = WebhookTestKit.Clock();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() =>
        _receiver = await WebhookReceiver.StartAsync(new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.Secret), _clock));

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Dispatch_Event_PostsSignedStandardWebhookThatVerifies()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/ok"));

        var summary = await p.Dispatcher.DispatchDueAsync();

        Assert.Equal(1, summary.Delivered);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal(WebhookVerificationFailure.None, received.Verification);
        Assert.Matches("^msg_[a-z2-7]{32}$", received.Id);
        Assert.Equal(_clock.GetCurrentInstant().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal("LeadAssigned", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("2025-03-03T09:00:00Z", json.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal("Lead/L-1/3@acme", json.RootElement.GetProperty("data").GetProperty("eventId").GetString());
        Assert.Equal("p-1", json.RootElement.GetProperty("data").GetProperty("partner").GetString());

        // What the reference implementation would compute for the same message is exactly what was sent.
        var reference = new StandardWebhook(WebhookTestKit.Secret).Sign(received.Id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(received.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)), Encoding.UTF8.GetString(received.Body));
        Assert.Equal(reference, received.Signature);
        Assert.Empty(await p.Store.ListPendingAsync());
    }

    [Fact]
    public async Task Dispatch_500Then200_RetriedWithSameIdAndFreshTimestamp()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/flaky"));

        var first = await p.Dispatcher.DispatchDueAsync();
        var pending = Assert.Single(await p.Store.ListPendingAsync());
        _clock.Advance(pending.DueAt - _clock.GetCurrentInstant());
        var second = await p.Dispatcher.DispatchDueAsync();

        Assert.Equal((1, 0), (first.Retried, first.Delivered));
        Assert.Contains("answered 500", pending.LastError, StringComparison.Ordinal);
        Assert.Equal(1, second.Delivered);
        var attempts = _receiver.Received.ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(WebhookVerificationFailure.None, a.Verification));
        Assert.Equal(attempts[0].Id, attempts[1].Id);
        Assert.NotEqual(attempts[0].Timestamp, attempts[1].Timestamp);
        Assert.NotEqual(attempts[0].Signature, attempts[1].Signature);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.Empty(await p.Store.ListPendingAsync());
    }

    [Fact]
    public async Task Dispatch_410_DeadLettersAndDisablesTheEndpoint()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/gone"));

        await p.Dispatcher.DispatchDueAsync();
        await p.Store.EnqueueAsync([WebhookTestKit.Assigned("L-2")]);
        await p.Dispatcher.DispatchDueAsync();

        var dead = Assert.Single(await p.Store.ListDeadLettersAsync());
        Assert.Contains("410", dead.Reason, StringComparison.Ordinal);
        Assert.Equal("410 Gone", Assert.Single(p.Status.Disabled).Reason);
        Assert.Equal(1, _receiver.Hits("/gone")); // the second event was not even addressed to the disabled endpoint
        Assert.Empty(await p.Store.ListPendingAsync());
    }

    [Fact]
    public async Task Deliver_ToDisabledEndpoint_FailsPermanentlyWithoutRequest()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/ok"));
        await p.Status.DisableAsync(new WebhookEndpointDisabled("crm", "410 Gone", WebhookTestKit.Start));

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("disabled", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, _receiver.Hits("/ok"));
        Assert.True(await p.Status.EnableAsync("crm"));
        Assert.Equal(DeliveryOutcome.Delivered, (await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"))).Outcome);
    }

    [Fact]
    public async Task Deliver_400_FailsPermanently()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/bad"));

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Equal("crm answered 400 Bad Request", result.Error);
    }

    [Fact]
    public async Task Dispatch_429WithRetryAfter_NextAttemptNotBeforeIt()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/throttled"));

        await p.Dispatcher.DispatchDueAsync();

        var pending = Assert.Single(await p.Store.ListPendingAsync());
        Assert.Equal(WebhookTestKit.Start + Duration.FromSeconds(120), pending.DueAt);
        Assert.Contains("429", pending.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_ServerSlowerThanTimeout_TransientTimeout()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/slow"), o => o.Timeout = Duration.FromMilliseconds(300));

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Equal("Webhook endpoint 'crm' did not answer within 0.3 s.", result.Error);
    }

    [Fact]
    public async Task Dispatch_RedirectToCloudMetadata_NotFollowedAndDeadLettered()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/redirect-metadata"));

        await p.Dispatcher.DispatchDueAsync();

        var dead = Assert.Single(await p.Store.ListDeadLettersAsync());
        Assert.Contains("302", dead.Reason, StringComparison.Ordinal);
        Assert.Contains("169.254.169.254", dead.Reason, StringComparison.Ordinal);
        Assert.Contains("not followed", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_RedirectToReachableTarget_NotFollowed()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/redirect-local"));

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Equal(1, _receiver.Hits("/redirect-local"));
        Assert.Equal(0, _receiver.Hits("/target"));
    }

    [Fact]
    public async Task Dispatch_LoopbackEndpointWithoutAllowList_RefusedBySsrfGuard()
    {
        var store = new Persistence.InMemory.InMemoryStore();
        await store.EnqueueAsync([WebhookTestKit.Assigned()]);
        using var channel = WebhookTestKit.Channel(_clock, o => o.AddEndpoint("crm", _receiver.Url("/ok"), WebhookTestKit.Secret));
        using var dispatcher = new NotificationDispatcher(store, store, [channel], new NotificationDispatcherOptions { WorkerId = "test" }, _clock);

        await dispatcher.DispatchDueAsync();

        var dead = Assert.Single(await store.ListDeadLettersAsync());
        Assert.Contains("SSRF", dead.Reason, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1 is Loopback", dead.Reason, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Deliver_PublicNameResolvedToLoopback_RefusedUnlessAllowListed()
    {
        var resolver = new FixedResolver(new() { ["hooks.partner-crm.example"] = [System.Net.IPAddress.Loopback] });
        var url = new Uri($"http://hooks.partner-crm.example:{_receiver.Port}/ok");
        using var guarded = WebhookTestKit.Channel(_clock, o => o.AddEndpoint("crm", url, WebhookTestKit.Secret), resolver);
        using var allowed = WebhookTestKit.Channel(_clock, o => { o.AddEndpoint("crm", url, WebhookTestKit.Secret); o.AllowedNetworks.Add("127.0.0.0/8"); }, resolver);

        var refused = await guarded.DeliverAsync(WebhookTestKit.Notification("crm"));
        var delivered = await allowed.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, refused.Outcome);
        Assert.Contains("'hooks.partner-crm.example' refused", refused.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Delivered, delivered.Outcome);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task Deliver_TwoSecrets_ReceiverKnowingOnlyTheOldOneAccepts()
    {
        await using var oldReceiver = await WebhookReceiver.StartAsync(new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.OldSecret), _clock));
        using var channel = WebhookTestKit.Channel(_clock, o =>
        {
            o.AddEndpoint("crm", oldReceiver.Url("/ok"), WebhookTestKit.Secret, WebhookTestKit.OldSecret);
            o.AllowedNetworks.Add("127.0.0.1");
        });

        var result = await channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var received = Assert.Single(oldReceiver.Received);
        Assert.Equal(2, received.Signature!.Split(' ').Length);
    }

    [Fact]
    public async Task Deliver_ServerDown_TransientSoNothingIsLost()
    {
        var down = await WebhookReceiver.StartAsync(new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.Secret), _clock));
        var url = down.Url("/ok");
        await down.DisposeAsync();
        using var p = await WebhookTestKit.PipelineAsync(_clock, url);

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("crm"));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("unreachable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_UnknownEndpoint_FailsPermanently()
    {
        using var p = await WebhookTestKit.PipelineAsync(_clock, _receiver.Url("/ok"));

        var result = await p.Channel.DeliverAsync(WebhookTestKit.Notification("removed-endpoint"));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("'removed-endpoint'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveRecipients_FiltersByEventTypeByNameOrTypeAndTenant()
    {
        using var channel = WebhookTestKit.Channel(_clock, o =>
        {
            o.AddEndpoint("all", _receiver.Url("/ok"), WebhookTestKit.Secret);
            o.AddEndpoint("rejections", _receiver.Url("/ok"), WebhookTestKit.Secret).EventTypes.Add("LeadRejected");
            o.AddEndpoint("other-tenant", _receiver.Url("/ok"), WebhookTestKit.Secret).Tenant = "globex";
            o.AddEndpoint("acme-assignments", _receiver.Url("/ok"), WebhookTestKit.Secret).EventTypes.Add<LeadAssigned>();
            o.AddEndpoint("recalls", _receiver.Url("/ok"), WebhookTestKit.Secret).EventTypes.Add<LeadRecalled>();
        });
        var request = new NotificationRecipientRequest(NotificationEvent.FromOutbox(WebhookTestKit.Assigned()), null, []);

        var recipients = await channel.ResolveRecipientsAsync(request);

        Assert.Equal(["acme-assignments", "all"], recipients.Select(r => r.Address).Order());
        Assert.All(recipients, r => Assert.Equal(NotificationAudience.Host, r.Audience));
    }
}
