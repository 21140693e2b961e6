using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Delivers every domain event to the host's webhook endpoints, signed per Standard Webhooks.
/// The <c>webhook-id</c> is the notification id (stable across retries); the timestamp and
/// signatures are fresh on each attempt. Only 2xx counts as delivered; redirects are never
/// followed (3xx fails permanently); 408, 429 and 5xx are retried, honouring <c>Retry-After</c>;
/// 410 disables the endpoint; other 4xx fail permanently; no answer within the timeout is
/// retried. Connections go only to addresses the SSRF guard permits, checked after resolution.
/// </summary>
public sealed class WebhookNotificationChannel : INotificationChannel, IDisposable
{
    private readonly Dictionary<string, (WebhookEndpoint Endpoint, WebhookSecret[] Secrets, TenantId? Tenant)> _endpoints;
    private readonly IClock _clock;
    private readonly IWebhookEndpointStatus _status;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the channel.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="clock">Signs timestamps and reads <c>Retry-After</c> dates.</param>
    /// <param name="status">Which endpoints are disabled; default in memory.</param>
    /// <param name="resolver">Resolves host names at connect time; default DNS.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="OptionsValidationException">Invalid options.</exception>
    public WebhookNotificationChannel(
        WebhookNotificationOptions options,
        IClock clock,
        IWebhookEndpointStatus? status = null,
        IWebhookHostResolver? resolver = null,
        ILogger<WebhookNotificationChannel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var validation = new WebhookNotificationOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(string.Empty, typeof(WebhookNotificationOptions), validation.Failures);
        }

        Name = options.ChannelName;
        _clock = clock;
        _status = status ?? new InMemoryWebhookEndpointStatus();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeout = options.Timeout.ToTimeSpan();
        _endpoints = options.Endpoints.ToDictionary(
            e => e.Name,
            e => (e, e.Secrets.Select(WebhookSecret.Parse).ToArray(), e.Tenant is null ? (TenantId?)null : new TenantId(e.Tenant)),
            StringComparer.OrdinalIgnoreCase);
        var guard = new DestinationGuard(
            options.BlockPrivateNetworks,
            [.. options.AllowedNetworks.Select(DestinationAddressPolicy.ParseNetwork)],
            resolver ?? new DnsWebhookHostResolver());
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = _timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = guard.ConnectAsync,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The configured <see cref="WebhookNotificationOptions.Timeout"/>: one attempt, connect to response headers.</summary>
    public Duration? DeliveryTimeLimit => Duration.FromTimeSpan(_timeout);

    /// <summary>Every enabled endpoint subscribed to the event type and tenant, as a <see cref="NotificationAudience.Host"/> recipient.</summary>
    public async ValueTask<IReadOnlyList<NotificationRecipient>> ResolveRecipientsAsync(NotificationRecipientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recipients = new List<NotificationRecipient>();
        foreach (var (endpoint, _, tenant) in _endpoints.Values)
        {
            if ((tenant is null || tenant == request.Event.Tenant)
                && endpoint.EventTypes.Allows(request.Event.EventType)
                && await _status.GetDisabledAsync(endpoint.Name, cancellationToken).ConfigureAwait(false) is null)
            {
                recipients.Add(new NotificationRecipient(endpoint.Name, NotificationAudience.Host));
            }
        }

        return recipients;
    }

    /// <inheritdoc />
    public async Task<DeliveryResult> DeliverAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!_endpoints.TryGetValue(notification.Recipient.Address, out var target))
        {
            return DeliveryResult.Permanent($"No webhook endpoint named '{notification.Recipient.Address}' is configured.");
        }

        var endpoint = target.Endpoint;
        if (await _status.GetDisabledAsync(endpoint.Name, cancellationToken).ConfigureAwait(false) is { } disabled)
        {
            return DeliveryResult.Permanent($"Webhook endpoint '{endpoint.Name}' is disabled since {disabled.DisabledAt}: {disabled.Reason}.");
        }

        var body = WebhookPayload.Create(notification);
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookHeaders.Id, notification.Id);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.CreateHeader(target.Secrets, notification.Id, timestamp, body));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            WebhookLog.Answered(_logger, notification.Id, endpoint.Name, (int)response.StatusCode);
            return await ClassifyAsync(endpoint, response, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Transient($"Webhook endpoint '{endpoint.Name}' did not answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException e) when (FindRefusal(e) is { } refused)
        {
            WebhookLog.DestinationRefused(_logger, notification.Id, endpoint.Name, refused.Message);
            return DeliveryResult.Permanent(refused.Message);
        }
        catch (HttpRequestException e)
        {
            return DeliveryResult.Transient($"Webhook endpoint '{endpoint.Name}' unreachable: {e.Message}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static WebhookDestinationRefusedException? FindRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WebhookDestinationRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private async Task<DeliveryResult> ClassifyAsync(WebhookEndpoint endpoint, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        var status = $"{endpoint.Name} answered {code} {response.ReasonPhrase}".TrimEnd();
        switch (code)
        {
            case >= 200 and < 300:
                return DeliveryResult.Delivered;
            case 410:
                await _status.DisableAsync(new WebhookEndpointDisabled(endpoint.Name, "410 Gone", _clock.GetCurrentInstant()), cancellationToken).ConfigureAwait(false);
                WebhookLog.EndpointDisabled(_logger, endpoint.Name);
                return DeliveryResult.Permanent($"{status}; the endpoint is disabled.");
            case >= 300 and < 400:
                return DeliveryResult.Permanent($"{status}; redirects (to '{response.Headers.Location}') are not followed, configure the final URL.");
            case 408 or 429 or >= 500:
                return DeliveryResult.Transient(status, RetryAfter(response));
            case >= 400:
                return DeliveryResult.Permanent(status);
            default:
                return DeliveryResult.Transient(status);
        }
    }

    private Duration? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? Duration.Zero : Duration.FromTimeSpan(delta);
        }

        if (header?.Date is { } date)
        {
            var wait = Instant.FromDateTimeOffset(date) - _clock.GetCurrentInstant();
            return wait < Duration.Zero ? Duration.Zero : wait;
        }

        return null;
    }
}
