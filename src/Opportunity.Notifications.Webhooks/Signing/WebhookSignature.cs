using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(secret, <c>{id}.{timestamp}.{body}</c>)).
/// The body is signed exactly as sent, byte for byte.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The version prefix of symmetric signatures.</summary>
    public const string Version = "v1";

    /// <summary>Signs one message with one secret.</summary>
    /// <returns><c>v1,&lt;base64&gt;</c>.</returns>
    public static string Compute(WebhookSecret secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(secret, messageId, timestamp, body, mac);
        return $"{Version},{Convert.ToBase64String(mac)}";
    }

    /// <summary>The <c>webhook-signature</c> header value: one signature per secret, space-separated (key rotation: sign with the new and the old secret until receivers have switched).</summary>
    /// <exception cref="ArgumentException">No secrets.</exception>
    public static string CreateHeader(IEnumerable<WebhookSecret> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var header = new StringBuilder();
        foreach (var secret in secrets)
        {
            if (header.Length > 0)
            {
                header.Append(' ');
            }

            header.Append(Compute(secret, messageId, timestamp, body));
        }

        return header.Length > 0 ? header.ToString() : throw new ArgumentException("At least one secret is needed to sign.", nameof(secrets));
    }

    internal static void ComputeMac(WebhookSecret secret, string messageId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(messageId);

        // "{id}.{timestamp}.{body}" in one pooled buffer and a one-shot HMAC: no per-call hasher or byte arrays.
        var length = Encoding.UTF8.GetByteCount(messageId) + 1 + 20 + 1 + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(messageId, rented);
            rented[written++] = (byte)'.';
            timestamp.TryFormat(rented.AsSpan(written), out var digits, default, CultureInfo.InvariantCulture);
            written += digits;
            rented[written++] = (byte)'.';
            body.CopyTo(rented.AsSpan(written));
            written += body.Length;
            HMACSHA256.HashData(secret.Key, rented.AsSpan(0, written), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
