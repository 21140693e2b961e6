using System.Security.Cryptography;

namespace Opportunity.Notifications.Webhooks;

/// <summary>
/// A symmetric webhook signing secret: <c>whsec_</c> followed by base64 of 24 to 64 random bytes,
/// as the Standard Webhooks specification prescribes. <see cref="ToString"/> does not reveal it;
/// use <see cref="Encode"/> to show it to the receiver once.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix of the text form.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Fewest key bytes accepted (192 bits).</summary>
    public const int MinBytes = 24;

    /// <summary>Most key bytes accepted (512 bits).</summary>
    public const int MaxBytes = 64;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key)
    {
        _key = key;
    }

    /// <summary>The key length in bytes.</summary>
    public int Length => _key.Length;

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Reads <c>whsec_&lt;base64&gt;</c> (the prefix may be omitted).</summary>
    /// <exception cref="ArgumentException">Not base64, or the key is shorter than 24 or longer than 64 bytes; the message says which.</exception>
    public static WebhookSecret Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var secret, out var error) ? secret : throw new ArgumentException(error, nameof(text));
    }

    /// <summary>Reads a secret; false when it is malformed.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret) =>
        TryParse(text, out secret, out _);

    /// <summary>A secret from raw key bytes (copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 24 or more than 64 bytes.</exception>
    public static WebhookSecret FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length is < MinBytes or > MaxBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key.Length, $"A webhook secret has {MinBytes} to {MaxBytes} bytes.");
        }

        return new WebhookSecret(key.ToArray());
    }

    /// <summary>A new secret of 32 bytes from the operating system's cryptographic random generator.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The text form, <c>whsec_&lt;base64&gt;</c>, to hand to the receiver.</summary>
    public string Encode() => Prefix + Convert.ToBase64String(_key);

    /// <summary>A masked form that is safe to log.</summary>
    public override string ToString() => $"{Prefix}… ({_key.Length} bytes)";

    private static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret, out string error)
    {
        secret = null;
        var body = text?.Trim() ?? string.Empty;
        if (body.StartsWith(Prefix, StringComparison.Ordinal))
        {
            body = body[Prefix.Length..];
        }

        var buffer = new byte[(body.Length * 3 / 4) + 3];
        if (body.Length == 0 || !Convert.TryFromBase64String(body, buffer, out var written))
        {
            error = "A webhook secret must be 'whsec_' followed by base64.";
            return false;
        }

        if (written is < MinBytes or > MaxBytes)
        {
            error = $"A webhook secret must hold {MinBytes} to {MaxBytes} bytes; this one has {written}.";
            return false;
        }

        error = string.Empty;
        secret = new WebhookSecret(buffer[..written]);
        return true;
    }
}
