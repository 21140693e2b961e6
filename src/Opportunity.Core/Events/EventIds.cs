using System.Globalization;
using System.Text;

namespace Opportunity;

/// <summary>
/// Builds <see cref="DomainEvent.EventId"/>s: <c>{kind}/{id}/{sequence}@{tenant}</c>. The tenant
/// comes last, after the one <c>@</c> that is not escaped, so the id reads from the end without
/// ambiguity whatever characters the aggregate id holds.
/// </summary>
internal static class EventIds
{
    // ToString, not Value: an event not yet stamped by its aggregate (default tenant) still has an id.
    public static string Of(string kind, string id, long sequence, TenantId tenant) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}/{id}/{sequence}@{Escape(tenant.ToString())}");

    // The tenant must hold no '/' (an old-form id's last segment is all digits; a new one's never
    // is) and no '@' (the separator); '%' is escaped so the escaping itself is reversible.
    private static string Escape(string tenant)
    {
        if (tenant.AsSpan().IndexOfAny("%/@") < 0)
        {
            return tenant;
        }

        var text = new StringBuilder(tenant.Length + 8);
        foreach (var c in tenant)
        {
            _ = c switch
            {
                '%' => text.Append("%25"),
                '/' => text.Append("%2F"),
                '@' => text.Append("%40"),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }
}
