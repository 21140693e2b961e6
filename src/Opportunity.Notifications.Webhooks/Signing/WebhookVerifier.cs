using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Checks a received webhook the Standard Webhooks way: all three headers present, the timestamp
/// within <see cref="Tolerance"/> of the injected clock (replay protection), and at least one
/// <c>v1</c> signature matching one of the secrets, compared in constant time. Several secrets let
/// a receiver accept the old and the new key during a rotation. Put it in front of your endpoint
/// and verify the raw body bytes before parsing them.
/// </summary>
public sealed class WebhookVerifier
{
    private readonly WebhookSecret[] _secrets;
    private readonly IClock _clock;

    /// <summary>Creates a verifier for one secret.</summary>
    public WebhookVerifier(WebhookSecret secret, IClock clock, Duration? tolerance = null)
        : this([secret], clock, tolerance)
    {
    }

    /// <summary>Creates a verifier accepting signatures by any of <paramref name="secrets"/>.</summary>
    /// <param name="secrets">The accepted secrets; at least one.</param>
    /// <param name="clock">The clock the timestamp is checked against.</param>
    /// <param name="tolerance">How far the timestamp may be from now, either way. Default 5 minutes.</param>
    /// <exception cref="ArgumentException">No secrets.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Tolerance negative.</exception>
    public WebhookVerifier(IEnumerable<WebhookSecret> secrets, IClock clock, Duration? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(clock);
        _secrets = [.. secrets];
        if (_secrets.Length == 0 || _secrets.Any(s => s is null))
        {
            throw new ArgumentException("At least one secret, and no null secret, is needed to verify.", nameof(secrets));
        }

        Tolerance = tolerance ?? DefaultTolerance;
        if (Tolerance < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerance must not be negative.");
        }

        _clock = clock;
    }

    /// <summary>The default tolerance: 5 minutes.</summary>
    public static Duration DefaultTolerance { get; } = Duration.FromMinutes(5);

    /// <summary>How far a timestamp may be from now, in either direction.</summary>
    public Duration Tolerance { get; }

    /// <summary>Verifies a webhook whose body is text (encoded as UTF-8 for the check).</summary>
    /// <exception cref="WebhookVerificationException">Not authentic or not fresh; <see cref="WebhookVerificationException.Failure"/> says why.</exception>
    public void Verify(string? messageId, string? timestamp, string? signature, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Verify(messageId, timestamp, signature, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Verifies a webhook from its three headers and its raw body.</summary>
    /// <exception cref="WebhookVerificationException">Not authentic or not fresh; <see cref="WebhookVerificationException.Failure"/> says why.</exception>
    public void Verify(string? messageId, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        var failure = Check(messageId, timestamp, signature, body);
        if (failure != WebhookVerificationFailure.None)
        {
            throw new WebhookVerificationException(failure, Describe(failure));
        }
    }

    /// <summary>Verifies without throwing; <paramref name="failure"/> says why it failed.</summary>
    public bool TryVerify(string? messageId, string? timestamp, string? signature, ReadOnlySpan<byte> body, out WebhookVerificationFailure failure)
    {
        failure = Check(messageId, timestamp, signature, body);
        return failure == WebhookVerificationFailure.None;
    }

    private WebhookVerificationFailure Check(string? messageId, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrWhiteSpace(signature))
        {
            return WebhookVerificationFailure.MissingHeader;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > Instant.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookVerificationFailure.MalformedTimestamp;
        }

        var now = _clock.GetCurrentInstant();
        var sent = Instant.FromUnixTimeSeconds(seconds);
        if (sent < now - Tolerance)
        {
            return WebhookVerificationFailure.TimestampTooOld;
        }

        if (sent > now + Tolerance)
        {
            return WebhookVerificationFailure.TimestampTooNew;
        }

        var expected = new byte[_secrets.Length * 32];
        for (var i = 0; i < _secrets.Length; i++)
        {
            WebhookSignature.ComputeMac(_secrets[i], messageId, seconds, body, expected.AsSpan(i * 32, 32));
        }

        Span<byte> received = stackalloc byte[48];
        var matched = false;
        foreach (var part in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !part.AsSpan(0, comma).SequenceEqual(WebhookSignature.Version)
                || !Convert.TryFromBase64String(part[(comma + 1)..], received, out var length) || length != 32)
            {
                continue; // Other versions (v1a) or garbage: not ours to judge, keep looking.
            }

            for (var i = 0; i < _secrets.Length; i++)
            {
                // Constant time per comparison, and no early exit, so timing tells nothing about which part matched.
                matched |= CryptographicOperations.FixedTimeEquals(received[..32], expected.AsSpan(i * 32, 32));
            }
        }

        return matched ? WebhookVerificationFailure.None : WebhookVerificationFailure.NoMatchingSignature;
    }

    private string Describe(WebhookVerificationFailure failure) => failure switch
    {
        WebhookVerificationFailure.MissingHeader => $"A required header is missing: {WebhookHeaders.Id}, {WebhookHeaders.Timestamp} and {WebhookHeaders.Signature} must all be present.",
        WebhookVerificationFailure.MalformedTimestamp => $"{WebhookHeaders.Timestamp} is not a number of seconds since the Unix epoch.",
        WebhookVerificationFailure.TimestampTooOld => $"{WebhookHeaders.Timestamp} is more than {Tolerance} in the past.",
        WebhookVerificationFailure.TimestampTooNew => $"{WebhookHeaders.Timestamp} is more than {Tolerance} in the future.",
        _ => $"No v1 signature in {WebhookHeaders.Signature} matches a known secret.",
    };
}
