using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Opportunity.Notifications.Webhooks;

namespace Opportunity.Notifications.Webhooks.Tests;

/// <summary>One request as the receiver saw it, with its verification result.</summary>
internal sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, byte[] Body, WebhookVerificationFailure Verification);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) that verifies every webhook with
/// <see cref="WebhookVerifier"/> and answers per path: <c>/ok</c> 200, <c>/flaky</c> 500 then 200,
/// <c>/gone</c> 410, <c>/bad</c> 400, <c>/throttled</c> 429 with Retry-After 120, <c>/slow</c> never
/// (until the client gives up), <c>/redirect-metadata</c> 302 to 169.254.169.254,
/// <c>/redirect-local</c> 307 to <c>/target</c> on this server, <c>/hanging</c> 204 only once
/// <see cref="HangingGate"/> is released (a receiver that hangs until the test says otherwise).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly List<(string Path, int Count, TaskCompletionSource Reached)> _waiters = [];

    private WebhookReceiver(WebApplication app, WebhookVerifier verifier)
    {
        _app = app;
        app.Run(async context => await HandleAsync(context, verifier));
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Releases every request to <c>/hanging</c>, those waiting and those to come.</summary>
    public TaskCompletionSource HangingGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <summary>Completes once <paramref name="path"/> has been requested <paramref name="count"/> times (an event, not a poll).</summary>
    public Task WaitForHitsAsync(string path, int count)
    {
        lock (_waiters)
        {
            if (Hits(path) >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((path, count, reached));
            return reached.Task;
        }
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public static async Task<WebhookReceiver> StartAsync(WebhookVerifier verifier)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build(), verifier);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, WebhookVerifier verifier)
    {
        var path = context.Request.Path.Value ?? "/";
        int hit;
        lock (_waiters)
        {
            hit = _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            foreach (var waiter in _waiters.Where(w => w.Path == path && w.Count <= hit).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers;
        string? id = headers[WebhookHeaders.Id], timestamp = headers[WebhookHeaders.Timestamp], signature = headers[WebhookHeaders.Signature];
        verifier.TryVerify(id, timestamp, signature, body.ToArray(), out var failure);
        Received.Enqueue(new ReceivedWebhook(path, id, timestamp, signature, body.ToArray(), failure));
        if (failure != WebhookVerificationFailure.None)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        switch (path)
        {
            case "/flaky":
                context.Response.StatusCode = hit == 1 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
                break;
            case "/gone":
                context.Response.StatusCode = StatusCodes.Status410Gone;
                break;
            case "/bad":
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case "/throttled":
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "120";
                break;
            case "/slow":
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
            case "/hanging":
                await HangingGate.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "/redirect-metadata":
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
                break;
            case "/redirect-local":
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = Url("/target").ToString();
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
        }
    }
}
