using System.Text;

namespace Opportunity.Notifications;

/// <summary>
/// A template string parsed once into literal and placeholder segments: <c>{name}</c> or
/// <c>{path.to.field}</c> inserts a value, <c>{{</c> and <c>}}</c> write braces. No expressions,
/// no loops: anything richer belongs in the host application, not in a notification template.
/// </summary>
internal sealed class TemplateText
{
    private readonly (string Text, bool IsPlaceholder)[] _segments;

    private TemplateText((string, bool)[] segments, string source)
    {
        _segments = segments;
        Source = source;
    }

    public string Source { get; }

    public IEnumerable<string> Placeholders => _segments.Where(s => s.IsPlaceholder).Select(s => s.Text);

    /// <summary>Parses <paramref name="source"/>; errors name <paramref name="location"/> and the character position (1-based).</summary>
    public static TemplateText Parse(string source, string location, List<ValidationError> errors)
    {
        var segments = new List<(string, bool)>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '{' && i + 1 < source.Length && source[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < source.Length && source[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
            }
            else if (c == '}')
            {
                errors.Add(new ValidationError($"{location}, position {i + 1}", "A '}' without '{'; write '}}' for a literal brace."));
                i++;
            }
            else if (c == '{')
            {
                var close = source.IndexOf('}', i + 1);
                if (close < 0)
                {
                    errors.Add(new ValidationError($"{location}, position {i + 1}", "Placeholder is not closed with '}'; write '{{' for a literal brace."));
                    break;
                }

                var name = source[(i + 1)..close];
                if (!IsValidName(name))
                {
                    errors.Add(new ValidationError($"{location}, position {i + 1}", $"Placeholder '{{{name}}}' is not a field name (letters, digits, '_', '.', '[n]')."));
                }
                else
                {
                    if (literal.Length > 0)
                    {
                        segments.Add((literal.ToString(), false));
                        literal.Clear();
                    }

                    segments.Add((name, true));
                }

                i = close + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            segments.Add((literal.ToString(), false));
        }

        return new TemplateText([.. segments], source);
    }

    /// <summary>Fills the placeholders; unknown values render empty. With <paramref name="htmlEncode"/>, values (not the template) are HTML-encoded.</summary>
    public string Render(IReadOnlyDictionary<string, string> values, bool htmlEncode)
    {
        var text = new StringBuilder();
        foreach (var (segment, isPlaceholder) in _segments)
        {
            if (!isPlaceholder)
            {
                text.Append(segment);
                continue;
            }

            var value = values.GetValueOrDefault(segment, string.Empty);
            text.Append(htmlEncode ? HtmlEncode(value) : value);
        }

        return text.ToString();
    }

    /// <summary>Encodes the five HTML-significant characters; other characters (ü, é, …) stay readable in UTF-8 mail.</summary>
    public static string HtmlEncode(string value)
    {
        if (value.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return value;
        }

        var encoded = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            encoded.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return encoded.ToString();
    }

    /// <summary>The field a placeholder starts with: <c>amount</c> for <c>amount.currency</c>.</summary>
    public static string Root(string placeholder)
    {
        var end = placeholder.AsSpan().IndexOfAny('.', '[');
        return end < 0 ? placeholder : placeholder[..end];
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && char.IsLetter(name[0]) && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '[' or ']');
}
