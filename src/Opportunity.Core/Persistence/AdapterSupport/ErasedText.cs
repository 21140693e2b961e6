using System.Text.Encodings.Web;
using System.Text.Json;

namespace Opportunity.Persistence.AdapterSupport;

/// <summary>
/// How stores replace erased personal values in the text they keep (<see cref="IPersonalDataEraser"/>):
/// which values may be searched for, in which spellings a value can be stored, and the replacement.
/// </summary>
public static class ErasedText
{
    /// <summary>What an erased value is replaced with: <c>[erased]</c>.</summary>
    public const string Replacement = AggregateRoot.ErasedMark;

    /// <summary>
    /// True when <paramref name="value"/> can be replaced in stored text without touching structure: an
    /// e-mail address (holds <c>@</c>) or a phone number (at least six digits), at least five characters.
    /// A name or a company could equal a JSON property name or an enum value, so they are erased from the
    /// records' fields only, never searched for.
    /// </summary>
    public static bool IsSearchable(string? value) =>
        value is { Length: >= 5 } && (value.Contains('@', StringComparison.Ordinal) || value.Count(char.IsAsciiDigit) >= 6);

    /// <summary>
    /// The spellings in which <paramref name="values"/> can be stored: as entered, and as JSON writes them
    /// with the default encoder (<c>+</c> as <c>\u002B</c>, non-ASCII escaped) and with the relaxed one;
    /// distinct, longest first, so a longer spelling is replaced before a shorter one inside it.
    /// </summary>
    public static IReadOnlyList<string> Forms(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values
            .SelectMany(v => new[] { v, JsonEncodedText.Encode(v).ToString(), JsonEncodedText.Encode(v, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ThenBy(v => v, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// <paramref name="text"/> with every one of <paramref name="forms"/> replaced by <see cref="Replacement"/>;
    /// the same instance when none occurs (null stays null).
    /// </summary>
    public static string? Scrub(string? text, IReadOnlyList<string> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        if (text is null)
        {
            return null;
        }

        var result = text;
        foreach (var form in forms)
        {
            if (result.Contains(form, StringComparison.Ordinal))
            {
                result = result.Replace(form, Replacement, StringComparison.Ordinal);
            }
        }

        return result;
    }
}
