namespace Opportunity;

/// <summary>The one rule every identifier follows, so ids survive CSV, URLs, SQL and log lines unchanged.</summary>
internal static class IdText
{
    public const int MaxLength = 100;

    /// <summary>Checks an id: see <see cref="TextRules.Identifier"/>; <paramref name="kind"/> names the field in the <see cref="InvalidTextException"/>.</summary>
    public static string Validate(string? value, string kind) => TextRules.Identifier(value, kind, MaxLength);

    public static string Require(string? value, string kind) =>
        value ?? throw new InvalidOperationException($"Default {kind} has no value; create one with a constructor.");
}
