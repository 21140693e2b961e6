using System.Globalization;
using System.Text.Json;
using Opportunity.Partners;

namespace Opportunity.Routing.Json;

/// <summary>
/// Reads a rules document into <see cref="RoutingRuleSets"/>: one rule set object, or
/// <c>{ "ruleSets": [ … ] }</c> of rule sets with <c>when</c> conditions (each read by
/// <see cref="RoutingRuleSetJson"/>); every problem names its JSON path and nothing is built unless
/// the whole document is valid.
/// </summary>
internal static class RoutingRuleSetsJson
{
    private static readonly string[] WhenKeys = ["sources", "productLines", "countries", "minValue", "maxValue"];

    public static ValidationResult<RoutingRuleSets> Parse(string json, RoutingRuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(catalog);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = RoutingRuleSetLimits.MaxDepth });
        }
        catch (JsonException)
        {
            return Single(json, catalog); // reports the malformed JSON with its line
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ruleSets", out var list))
            {
                return Single(json, catalog);
            }

            var errors = new List<ValidationError>();
            foreach (var property in root.EnumerateObject().Where(p => p.Name != "ruleSets"))
            {
                errors.Add(new ValidationError($"$.{property.Name}", "unknown property; a list of rule sets has only ruleSets."));
            }

            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                return ValidationResult<RoutingRuleSets>.Failure([.. errors, new ValidationError("$.ruleSets", "must be a non-empty array of rule sets.")]);
            }

            var entries = new List<(LeadCondition? When, RoutingRuleSet? RuleSet)>();
            var i = 0;
            foreach (var element in list.EnumerateArray())
            {
                var path = $"$.ruleSets[{i}]";
                var last = i++ == list.GetArrayLength() - 1;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new ValidationError(path, "must be a rule set object."));
                    continue;
                }

                LeadCondition? when = null;
                if (element.TryGetProperty("when", out var whenElement))
                {
                    when = last ? null : ReadWhen(whenElement, $"{path}.when", errors);
                    if (last)
                    {
                        errors.Add(new ValidationError($"{path}.when", "the last rule set routes every lead no other matches; it has no condition."));
                    }
                }
                else if (!last)
                {
                    errors.Add(new ValidationError($"{path}.when", "is required on every rule set but the last."));
                }

                var ruleSet = RoutingRuleSetJson.Parse(WithoutWhen(element), catalog);
                errors.AddRange(ruleSet.Errors.Select(e => e with { Location = path + e.Location[1..] }));
                entries.Add((when, ruleSet.IsValid ? ruleSet.Value : null));
            }

            var names = entries.Where(e => e.RuleSet is not null).GroupBy(e => e.RuleSet!.Name, StringComparer.Ordinal).Where(g => g.Count() > 1);
            errors.AddRange(names.Select(g => new ValidationError("$.ruleSets", $"rule set name '{g.Key}' occurs more than once.")));
            if (errors.Count > 0)
            {
                return ValidationResult<RoutingRuleSets>.Failure(errors);
            }

            return ValidationResult<RoutingRuleSets>.Success(new RoutingRuleSets(entries.SkipLast(1).Select(e => (e.When!, e.RuleSet!)), entries[^1].RuleSet!));
        }
    }

    private static ValidationResult<RoutingRuleSets> Single(string json, RoutingRuleCatalog catalog)
    {
        var single = RoutingRuleSetJson.Parse(json, catalog);
        return single.IsValid ? ValidationResult<RoutingRuleSets>.Success(RoutingRuleSets.Single(single.Value)) : ValidationResult<RoutingRuleSets>.Failure(single.Errors);
    }

    private static string WithoutWhen(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in element.EnumerateObject().Where(p => p.Name != "when"))
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static LeadCondition? ReadWhen(JsonElement when, string path, List<ValidationError> errors)
    {
        if (when.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(path, $"must be an object with {string.Join(", ", WhenKeys)}."));
            return null;
        }

        var before = errors.Count;
        foreach (var property in when.EnumerateObject().Where(p => !WhenKeys.Contains(p.Name, StringComparer.Ordinal)))
        {
            errors.Add(new ValidationError($"{path}.{property.Name}", $"unknown condition; a condition has {string.Join(", ", WhenKeys)}."));
        }

        var countries = new HashSet<CountryCode>();
        foreach (var text in Strings(when, "countries", path, errors))
        {
            try
            {
                countries.Add(new CountryCode(text));
            }
            catch (ArgumentException ex)
            {
                errors.Add(new ValidationError($"{path}.countries", ex.Message));
            }
        }

        var condition = new LeadCondition
        {
            Sources = new HashSet<string>(Strings(when, "sources", path, errors), StringComparer.OrdinalIgnoreCase),
            ProductLines = new HashSet<string>(Strings(when, "productLines", path, errors), StringComparer.OrdinalIgnoreCase),
            Countries = countries,
            MinValue = Amount(when, "minValue", path, errors),
            MaxValue = Amount(when, "maxValue", path, errors),
        };
        return errors.Count > before ? null : condition;
    }

    private static List<string> Strings(JsonElement when, string name, string path, List<ValidationError> errors)
    {
        var values = new List<string>();
        if (!when.TryGetProperty(name, out var array))
        {
            return values;
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString())))
        {
            errors.Add(new ValidationError($"{path}.{name}", "must be an array of non-empty strings."));
            return values;
        }

        values.AddRange(array.EnumerateArray().Select(v => v.GetString()!.Trim()));
        return values;
    }

    /// <summary>An amount written as <c>"10000 EUR"</c>.</summary>
    private static Money? Amount(JsonElement when, string name, string path, List<ValidationError> errors)
    {
        if (!when.TryGetProperty(name, out var value))
        {
            return null;
        }

        var parts = value.ValueKind == JsonValueKind.String ? value.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        try
        {
            if (parts.Length == 2 && decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                return new Money(amount, CurrencyCode.Parse(parts[1]));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or UnknownCurrencyException)
        {
            // reported below
        }

        errors.Add(new ValidationError($"{path}.{name}", "must be an amount with its currency, e.g. \"10000 EUR\"."));
        return null;
    }
}
