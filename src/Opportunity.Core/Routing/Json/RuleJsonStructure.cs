using System.Text.Json;

namespace Opportunity.Routing.Json;

/// <summary>
/// The structural checks of a rule-set document, run before any rule is read: size and depth
/// bounds, no null (omit the property instead), no duplicate key (JSON parsers disagree on which
/// one wins, so the document would mean different things to different tools), every string and
/// property name well-formed UTF-16 without control characters. After these checks the readers
/// can call <see cref="JsonElement.GetString"/> without it throwing.
/// </summary>
internal static class RuleJsonStructure
{
    /// <summary>Checks the raw text: length and well-formed UTF-16 (an unescaped lone surrogate cannot be transcoded to UTF-8).</summary>
    public static ValidationError? CheckText(string json)
    {
        if (json.Length > RoutingRuleSetLimits.MaxDocumentLength)
        {
            return new ValidationError("$", $"the document has {json.Length} characters; at most {RoutingRuleSetLimits.MaxDocumentLength} are accepted.");
        }

        if (TextRules.FindInvalidUtf16(json) is var index and >= 0)
        {
            var line = 1 + json.AsSpan(0, index).Count('\n');
            var column = index - json.LastIndexOf('\n', Math.Max(0, index - 1));
            return new ValidationError($"$ (line {line}, column {column})", $"the text holds {TextRules.Describe(TextViolation.InvalidUtf16, json, index)}.");
        }

        return null;
    }

    /// <summary>Checks the parsed document and adds an error naming the <c>$.path</c> of every problem.</summary>
    public static void Check(JsonElement element, string path, List<ValidationError> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                errors.Add(new ValidationError(path, "null is not accepted; omit the property to use its default."));
                break;
            case JsonValueKind.String:
                CheckString(element, path, errors);
                break;
            case JsonValueKind.Array:
                var count = element.GetArrayLength();
                if (count > RoutingRuleSetLimits.MaxItems)
                {
                    errors.Add(new ValidationError(path, $"has {count} items; at most {RoutingRuleSetLimits.MaxItems} are accepted."));
                    break;
                }

                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, $"{path}[{i++}]", errors);
                }

                break;
            case JsonValueKind.Object:
                CheckObject(element, path, errors);
                break;
        }
    }

    private static void CheckObject(JsonElement element, string path, List<ValidationError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (++index > RoutingRuleSetLimits.MaxItems)
            {
                errors.Add(new ValidationError(path, $"has more than {RoutingRuleSetLimits.MaxItems} properties."));
                return;
            }

            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate (e.g. "\ud800") cannot become a .NET string.
                errors.Add(new ValidationError($"{path} (property {index})", "the property name is not well-formed UTF-16 (a lone surrogate escape)."));
                continue;
            }

            var at = $"{path}.{name}";
            if (TextProblem(name) is { } problem)
            {
                errors.Add(new ValidationError($"{path} (property {index})", $"the property name {problem}."));
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add(new ValidationError(at, "appears more than once in the same object; each key may appear once."));
                continue;
            }

            Check(property.Value, at, errors);
        }
    }

    private static void CheckString(JsonElement element, string path, List<ValidationError> errors)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            errors.Add(new ValidationError(path, "is not well-formed UTF-16 (a lone surrogate escape such as \\ud800)."));
            return;
        }

        if (TextProblem(value) is { } problem)
        {
            errors.Add(new ValidationError(path, problem + "."));
        }
    }

    private static string? TextProblem(string value)
    {
        if (value.Length > RoutingRuleSetLimits.MaxStringLength)
        {
            return $"has {value.Length} characters; at most {RoutingRuleSetLimits.MaxStringLength} are accepted";
        }

        return TextRules.FindProblem(value, identifier: false) is { } p
            ? $"holds {TextRules.Describe(p.Violation, value, p.Index)}"
            : null;
    }
}
