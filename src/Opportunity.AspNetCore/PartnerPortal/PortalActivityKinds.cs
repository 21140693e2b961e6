namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>The portal's names of <see cref="SalesActivityKind"/>: camel case, as the rest of its JSON.</summary>
internal static class PortalActivityKinds
{
    public static string Name(SalesActivityKind kind) => string.Concat(char.ToLowerInvariant(kind.ToString()[0]).ToString(), kind.ToString()[1..]);

    /// <summary>The kind named (case-insensitive), or null for anything else, numbers included.</summary>
    public static SalesActivityKind? Parse(string? name) =>
        Enum.GetValues<SalesActivityKind>().Cast<SalesActivityKind?>().FirstOrDefault(k => string.Equals(k!.Value.ToString(), name, StringComparison.OrdinalIgnoreCase));

    public static string List => string.Join(", ", Enum.GetValues<SalesActivityKind>().Select(Name));
}
