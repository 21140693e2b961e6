using Microsoft.Extensions.Logging;
using NodaTime;
using Opportunity.Diagnostics;
using Opportunity.Notifications;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Notifications;

public sealed class NotificationDispatcherTelemetryTests
{
    [Fact]
    public async Task Meter_DeliveriesRetriesAndDeadLetters_AreCountedWithLatency()
    {
        using var meters = new MeterCollector();
        var clock = Clock();
        clock.Advance(Duration.FromSeconds(90)); // the event happened 90 s before the dispatcher runs
        var store = await StoreWith(Partner(), Assigned("L-1"), Assigned("L-2"), Assigned("L-3"));
        var mail = new RecordingChannel("mail")
        {
            Behaviour = (n, attempt) => n.EventId switch
            {
                "Lead/L-2/1@acme" when attempt == 1 => DeliveryResult.Transient("451"),
                "Lead/L-3/1@acme" => DeliveryResult.Permanent("550"),
                _ => DeliveryResult.Delivered,
            },
        };
        using var dispatcher = Dispatcher(store, store, clock, meters: meters, channels: [mail]);

        await dispatcher.DispatchDueAsync();
        clock.Advance(Duration.FromMinutes(1));
        await dispatcher.DispatchDueAsync();

        Assert.Equal(OpportunityTelemetry.MeterName, dispatcher.Meter.Name);
        Assert.Equal(3, meters.Sum("opportunity.notifications.created", "channel", "mail"));
        Assert.Equal(2, meters.Sum("opportunity.notifications.sent", "channel", "mail"));
        Assert.Equal(2, meters.Sum("opportunity.notifications.sent", "event_type", "LeadAssigned"));
        Assert.Equal(1, meters.Sum("opportunity.notifications.retried", "channel", "mail"));
        Assert.Equal(1, meters.Sum("opportunity.notifications.dead_lettered", "reason", "permanent"));
        var latencies = meters.Measurements.Where(m => m.Instrument == "opportunity.notifications.delivery_latency").Select(m => m.Value).Order().ToList();
        Assert.Equal([90d, 150d], latencies);
    }

    [Fact]
    public async Task Meter_WithoutFactory_DispatcherOwnsAMeterWithTheDocumentedName()
    {
        var store = await StoreWith(Partner());
        using var dispatcher = Dispatcher(store, store, Clock(), channels: [new RecordingChannel("mail")]);

        Assert.Equal("Opportunity", dispatcher.Meter.Name);
    }

    [Fact]
    public async Task Logger_DeadLetter_LoggedAsErrorWithMessageIdAndReason()
    {
        var store = await StoreWith(Partner(), Assigned());
        var mail = new RecordingChannel("mail") { Behaviour = (_, _) => DeliveryResult.Permanent("550 no such user") };
        var logger = new ListLogger();
        using var dispatcher = new NotificationDispatcher(store, store, [mail], new NotificationDispatcherOptions { WorkerId = "w" }, Clock(), logger);

        await dispatcher.DispatchDueAsync();

        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(4, entry.EventId);
        Assert.Contains("550 no such user", entry.Message, StringComparison.Ordinal);
        Assert.Contains(mail.Attempts.Single().Id, entry.Message, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.EventId == 1 && e.Level == LogLevel.Debug); // fan-out
    }

    private sealed class ListLogger : ILogger<NotificationDispatcher>
    {
        public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
