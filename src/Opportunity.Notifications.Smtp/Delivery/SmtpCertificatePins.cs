using System.Net.Security;
using System.Security.Cryptography;

namespace Opportunity.Notifications.Smtp;

/// <summary>Certificate pinning by SHA-256 hash (<see cref="SmtpNotificationOptions.ServerCertificateSha256"/>): pinning that configuration can express.</summary>
internal static class SmtpCertificatePins
{
    /// <summary>The hash as 64 upper-case hex digits, or null when it is not a SHA-256 hash.</summary>
    public static string? Normalize(string? hash)
    {
        var hex = hash?.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        return hex is { Length: 64 } && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    /// <summary>A callback accepting exactly the pinned certificates, whoever issued them; null when nothing is pinned.</summary>
    public static RemoteCertificateValidationCallback? Validator(IList<string> pins)
    {
        if (pins.Count == 0)
        {
            return null;
        }

        var pinned = pins.Select(Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (_, certificate, _, _) => certificate is not null && pinned.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256));
    }
}
