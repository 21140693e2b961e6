using System.Diagnostics.CodeAnalysis;

namespace Opportunity;

/// <summary>The one rule every identifier follows, so ids survive CSV, URLs, SQL and log lines unchanged.</summary>
internal static class IdText
{
    public const int MaxLength = 100;

    /// <summary>Checks an id: see <see cref="TextRules.Identifier"/>; <paramref name="kind"/> names the field in the <see cref="InvalidTextException"/>.</summary>
    public static string Validate(string? value, string kind) => TextRules.Identifier(value, kind, MaxLength);

    public static string Require(string? value, string kind) =>
        value ?? throw new InvalidOperationException($"Default {kind} has no value; create one with a constructor.");

    /// <summary>
    /// The <see cref="IParsable{TSelf}"/> form of <see cref="Validate"/> (route and query binding): the same
    /// rules, a broken one reported as a <see cref="FormatException"/> naming <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text breaks the identifier rules.</exception>
    public static string Parse(string text, string kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Validate(text, kind);
        }
        catch (InvalidTextException ex)
        {
            throw new FormatException($"Text is not a valid {kind}: {ex.Message}", ex);
        }
    }

    /// <summary>True when <paramref name="text"/> passes <see cref="Validate"/>; checks before it allocates.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? value)
    {
        if (text.IsWhiteSpace() || text.Length > MaxLength || TextRules.FindProblem(text, identifier: true) is not null)
        {
            value = null;
            return false;
        }

        value = text.ToString();
        return true;
    }
}
