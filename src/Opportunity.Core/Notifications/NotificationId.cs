using System.Security.Cryptography;
using System.Text;

namespace Opportunity.Notifications;

/// <summary>
/// Deterministic notification ids: <c>msg_</c> + 32 base32 characters of SHA-256 over the event
/// id, channel, audience and address. The same event fanned out twice (e.g. after a crash between
/// delivery and completion) yields the same ids, which the outbox ignores as duplicates. The event
/// id is the stored outbox id (it carries the tenant, see <see cref="DomainEvent.EventId"/>), so
/// two tenants' notifications never share an id, and an event stored by 0.1.0 under its old id
/// still fans out into the same ids as before.
/// </summary>
internal static class NotificationId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string For(string eventId, string channel, NotificationAudience audience, string address)
    {
        var key = $"{eventId}\u001f{channel}\u001f{audience}\u001f{address.ToLowerInvariant()}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return "msg_" + Base32(hash[..20]);
    }

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 8 / 5);
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return text.ToString();
    }
}
