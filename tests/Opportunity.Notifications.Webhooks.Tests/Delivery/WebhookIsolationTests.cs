using NodaTime;
using NodaTime.Testing;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Notifications.Webhooks.Tests.Delivery;

/// <summary>
/// Issue 11, defect 6: a hanging endpoint must not delay the others. Real Kestrel receivers on
/// 127.0.0.1; the hanging one holds every request until the test opens its gate, so the ordering
/// is asserted without timing.
/// </summary>
public sealed class WebhookIsolationTests : IAsyncLifetime
{
    private readonly FakeClock _clock = WebhookTestKit.Clock();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() =>
        _receiver = await WebhookReceiver.StartAsync(new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.Secret), _clock));

    public async Task DisposeAsync()
    {
        _receiver.HangingGate.TrySetResult();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task DispatchDueAsync_OneEndpointHangs_OtherEndpointReceivesAllItsMessagesMeanwhile()
    {
        const int events = 100;
        var store = new InMemoryStore();
        await store.EnqueueAsync(Enumerable.Range(1, events).Select(i => WebhookTestKit.Assigned($"L-{i}")));
        using var channel = WebhookTestKit.Channel(_clock, o =>
        {
            o.Timeout = Duration.FromMinutes(1); // the gate releases the hanging endpoint, not a timeout
            o.AddEndpoint("healthy", _receiver.Url("/ok"), WebhookTestKit.Secret);
            o.AddEndpoint("hanging", _receiver.Url("/hanging"), WebhookTestKit.Secret);
            o.AllowedNetworks.Add("127.0.0.1");
        });
        var options = new NotificationDispatcherOptions { WorkerId = "test" };
        using var dispatcher = new NotificationDispatcher(store, store, [channel], options, _clock);

        var run = dispatcher.DispatchDueAsync();

        // A guard against a hang on 0.1.0 (where the healthy endpoint waited behind the hanging one), not a timing.
        await _receiver.WaitForHitsAsync("/ok", events).WaitAsync(TimeSpan.FromMinutes(1));
        var hangingInFlight = _receiver.Hits("/hanging");
        Assert.False(_receiver.HangingGate.Task.IsCompleted);
        Assert.False(run.IsCompleted, "the hanging endpoint's deliveries are still open");
        Assert.InRange(hangingInFlight, 1, options.MaxConcurrentDeliveries);

        _receiver.HangingGate.SetResult();
        var summary = await run;

        Assert.Equal(2 * events, summary.Delivered);
        Assert.Equal(events, _receiver.Received.Where(r => r.Path == "/ok").Select(r => r.Id).Distinct().Count());
        Assert.Equal(events, _receiver.Received.Where(r => r.Path == "/hanging").Select(r => r.Id).Distinct().Count());
        Assert.Empty(await store.ListPendingAsync());
    }

    [Fact]
    public void NotificationDispatcher_WebhookTimeoutLongerThanDeliveryTimeout_IsRefusedNamingBoth()
    {
        var store = new InMemoryStore();
        using var channel = WebhookTestKit.Channel(_clock, o =>
        {
            o.Timeout = Duration.FromMinutes(4);
            o.AddEndpoint("crm", _receiver.Url("/ok"), WebhookTestKit.Secret);
        });

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new NotificationDispatcher(store, store, [channel], new NotificationDispatcherOptions { WorkerId = "test" }, _clock));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("Channel 'webhook' allows one delivery to take 0:00:04:00 (its Timeout option)", failure, StringComparison.Ordinal);
        Assert.Contains("NotificationDispatcherOptions.DeliveryTimeout (0:00:02:00)", failure, StringComparison.Ordinal);
    }
}
