using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Notifications.Webhooks;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Persistence.InMemory;

namespace Opportunity.Benchmarks.Notifications;

/// <summary>
/// Issue 11, defect 6: 100 LeadAssigned events to two webhook endpoints on a real Kestrel server on
/// 127.0.0.1 — <c>/ok</c> answers at once, <c>/hanging</c> never answers (the channel gives up
/// after its 1 s timeout). Measured: the time from the start of a dispatch run until the healthy
/// endpoint has received its 100th webhook. The run itself is then cancelled (the hanging
/// endpoint's retries are not what is measured).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 7)]
public class HangingEndpointBenchmarks
{
    private const int Events = 100;
    private static readonly TenantId Tenant = new("acme");
    private static readonly Instant Start = Instant.FromUtc(2025, 3, 3, 9, 0);
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private WebApplication _server = null!;
    private Uri _baseUrl = null!;
    private int _healthyHits;
    private TaskCompletionSource _healthyDone = new();
    private InMemoryStore _store = null!;
    private WebhookNotificationChannel _channel = null!;
    private NotificationDispatcher _dispatcher = null!;
    private CancellationTokenSource _stop = null!;
    private Task _run = Task.CompletedTask;

    [GlobalSetup]
    public void StartServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(async context =>
        {
            if (context.Request.Path == "/hanging")
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
            if (Interlocked.Increment(ref _healthyHits) == Events)
            {
                _healthyDone.TrySetResult();
            }
        });
        _server.StartAsync().GetAwaiter().GetResult();
        _baseUrl = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    [GlobalCleanup]
    public void StopServer() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(HealthyEndpointAlone))]
    public void SetupAlone() => Setup(withHanging: false);

    [IterationSetup(Target = nameof(HealthyEndpointBesideHangingOne))]
    public void SetupBesideHanging() => Setup(withHanging: true);

    private void Setup(bool withHanging)
    {
        _healthyHits = 0;
        _healthyDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new FakeClock(Start);
        _store = new InMemoryStore();
        _store.UpsertAsync(new Partner(Tenant, new PartnerId("p-1"), "Müller & Söhne", PartnerTier.Gold)).GetAwaiter().GetResult();
        _store.EnqueueAsync(Enumerable.Range(1, Events).Select(i =>
        {
            var e = new LeadAssigned(new PartnerId("p-1"), Start + Duration.FromHours(8)) { Tenant = Tenant, AggregateKind = "Lead", AggregateId = $"L-{i}", Sequence = 1, OccurredAt = Start, Actor = "router" };
            return new OutboxMessage(e.EventId, Tenant, OutboxMessage.DomainEventTopic, e.EventType, DomainEventSerializer.Serialize(e), Start);
        })).GetAwaiter().GetResult();
        var options = new WebhookNotificationOptions { Timeout = Duration.FromSeconds(1) };
        options.AddEndpoint("healthy", new Uri(_baseUrl, "/ok"), Secret);
        if (withHanging)
        {
            options.AddEndpoint("hanging", new Uri(_baseUrl, "/hanging"), Secret);
        }

        options.AllowedNetworks.Add("127.0.0.1");
        _channel = new WebhookNotificationChannel(options, clock);
        _dispatcher = new NotificationDispatcher(_store, _store, [_channel], new NotificationDispatcherOptions { WorkerId = "bench" }, clock);
        _stop = new CancellationTokenSource();
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _run.ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
        _dispatcher.Dispose();
        _channel.Dispose();
        _stop.Dispose();
    }

    /// <summary>The floor: the healthy endpoint's 100 webhooks with no other endpoint configured.</summary>
    [Benchmark(Baseline = true)]
    public double HealthyEndpointAlone() => TimeToLastHealthyDelivery();

    /// <summary>Seconds from the start of the run to the healthy endpoint's 100th webhook, beside an endpoint that never answers.</summary>
    [Benchmark]
    public double HealthyEndpointBesideHangingOne() => TimeToLastHealthyDelivery();

    private double TimeToLastHealthyDelivery()
    {
        var watch = Stopwatch.StartNew();
        _run = _dispatcher.DispatchDueAsync(_stop.Token);
        _healthyDone.Task.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        return watch.Elapsed.TotalSeconds;
    }
}
