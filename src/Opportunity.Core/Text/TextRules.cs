using System.Globalization;
using System.Text;

namespace Opportunity;

/// <summary>
/// The text rules, in one place so every door (constructors, JSON, CSV) and therefore every store
/// applies the same ones. Free text: well-formed UTF-16 and no control character except tab, CR
/// and LF (PostgreSQL cannot hold NUL, SQLite would keep it: the model refuses it for both).
/// Identifiers: additionally no format character (Cf, e.g. U+200B) and no white space, because two
/// ids that look alike must not be two keys.
/// </summary>
internal static class TextRules
{
    /// <summary>Checks free text; null passes (the field is optional).</summary>
    public static string? Optional(string? value, string field)
    {
        if (value is not null)
        {
            Check(value, field, identifier: false);
        }

        return value;
    }

    /// <summary>Checks every string of a collection as free text; null passes through for the caller to refuse.</summary>
    public static TCollection All<TCollection>(TCollection values, string field)
        where TCollection : IEnumerable<string>?
    {
        if (values is not null)
        {
            foreach (var value in values)
            {
                Required(value, field);
            }
        }

        return values;
    }

    /// <summary>Checks free text that must not be empty.</summary>
    public static string Required(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidTextException(field, TextViolation.Empty, null, $"{field} must not be empty.");
        }

        Check(value, field, identifier: false);
        return value;
    }

    /// <summary>Checks identifier text (non-empty, at most <paramref name="maxLength"/> characters, no white space, Cc or Cf).</summary>
    public static string Identifier(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidTextException(field, TextViolation.Empty, null, $"{field} must not be empty.");
        }

        if (value.Length > maxLength)
        {
            throw new InvalidTextException(field, TextViolation.TooLong, null, $"{field} '{Shown(value[..20])}…' is longer than {maxLength} characters.");
        }

        Check(value, field, identifier: true);
        return value;
    }

    /// <summary>The first problem of <paramref name="text"/> under the free-text (or identifier) rule, or null when it is fine.</summary>
    public static (TextViolation Violation, int Index)? FindProblem(ReadOnlySpan<char> text, bool identifier)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return (TextViolation.InvalidUtf16, i);
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control && (identifier || rune.Value is not ('\t' or '\n' or '\r')))
            {
                return (TextViolation.ControlCharacter, i);
            }

            if (identifier && category == UnicodeCategory.Format)
            {
                return (TextViolation.FormatCharacter, i);
            }

            if (identifier && Rune.IsWhiteSpace(rune))
            {
                return (TextViolation.WhiteSpace, i);
            }

            i += consumed;
        }

        return null;
    }

    /// <summary>
    /// Text from outside the library (a receiver's error message, an exception's message) made to pass
    /// the free-text rule: every lone surrogate and control character other than tab/CR/LF becomes
    /// U+FFFD. For text the library records but must not refuse.
    /// </summary>
    public static string Sanitize(string text)
    {
        if (FindProblem(text, identifier: false) is null)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done
                || (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control && rune.Value is not ('\t' or '\n' or '\r')))
            {
                builder.Append('\uFFFD');
                i += Math.Max(consumed, 1);
                continue;
            }

            builder.Append(text, i, consumed);
            i += consumed;
        }

        return builder.ToString();
    }

    /// <summary>The index of the first lone surrogate, or -1 when the text is well-formed UTF-16.</summary>
    public static int FindInvalidUtf16(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Describes a problem for messages: the rule and the character as <c>U+XXXX</c>.</summary>
    public static string Describe(TextViolation violation, ReadOnlySpan<char> text, int index)
    {
        var code = Rune.DecodeFromUtf16(text[index..], out var rune, out _) == System.Buffers.OperationStatus.Done ? rune.Value : text[index];
        var what = violation switch
        {
            TextViolation.InvalidUtf16 => "a lone surrogate",
            TextViolation.ControlCharacter => "the control character",
            TextViolation.FormatCharacter => "the invisible format character",
            TextViolation.WhiteSpace => "the white space",
            _ => violation.ToString(),
        };
        return $"{what} U+{code:X4} at index {index}";
    }

    private static void Check(string value, string field, bool identifier)
    {
        if (FindProblem(value, identifier) is { } problem)
        {
            throw new InvalidTextException(
                field,
                problem.Violation,
                problem.Index,
                $"{field} holds {Describe(problem.Violation, value, problem.Index)}; " + (identifier
                    ? "identifiers must be well-formed UTF-16 without white space, control (Cc) or format (Cf) characters."
                    : "text must be well-formed UTF-16 without control characters other than tab, CR and LF."));
        }
    }

    /// <summary>The text with lone surrogates and control characters escaped, safe to put in a message.</summary>
    private static string Shown(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = char.IsSurrogate(c) || char.IsControl(c) ? builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : builder.Append(c);
        }

        return builder.ToString();
    }
}
