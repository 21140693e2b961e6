namespace Opportunity.Routing.Json;

/// <summary>
/// The bounds a JSON rule set is held to before any rule is built, so a hostile or mistaken document
/// cannot make routing slow or its trace huge (a million radius steps once made one decision take
/// 150 s). Each bound that is exceeded is a <see cref="ValidationError"/> naming its <c>$.path</c>.
/// Numbers are bounded per parameter (see <c>docs/routing.md</c>).
/// </summary>
public static class RoutingRuleSetLimits
{
    /// <summary>The longest document accepted, in UTF-16 characters (256 Ki); real rule sets are a few KB.</summary>
    public const int MaxDocumentLength = 262_144;

    /// <summary>The deepest nesting of objects and arrays accepted; the built-in rules need 5.</summary>
    public const int MaxDepth = 16;

    /// <summary>The most items of any array (e.g. <c>filters</c>, <c>required</c>) and the most properties of any object (e.g. <c>weights</c>).</summary>
    public const int MaxItems = 64;

    /// <summary>The longest string (value or property name) accepted, in UTF-16 characters.</summary>
    public const int MaxStringLength = 256;
}
