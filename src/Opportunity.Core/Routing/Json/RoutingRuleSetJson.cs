using System.Text.Json;

namespace Opportunity.Routing.Json;

/// <summary>Reads rule sets from JSON; every problem is reported with its JSON path, and nothing is built unless the whole document is valid.</summary>
internal static class RoutingRuleSetJson
{
    private static readonly string[] TopLevel = ["name", "version", "filters", "scorers", "selector", "fallbackPartner"];

    public static ValidationResult<RoutingRuleSet> Parse(string json, RoutingRuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(catalog);
        if (RuleJsonStructure.CheckText(json) is { } textError)
        {
            return ValidationResult<RoutingRuleSet>.Failure([textError]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = RoutingRuleSetLimits.MaxDepth });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"$ (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "$";
            return ValidationResult<RoutingRuleSet>.Failure([new ValidationError(where, $"malformed JSON: {ex.Message}")]);
        }

        using (document)
        {
            var errors = new List<ValidationError>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ValidationResult<RoutingRuleSet>.Failure([new ValidationError("$", "a rule set must be a JSON object.")]);
            }

            // Structure first (bounds, nulls, duplicate keys, well-formed strings): nothing is built
            // from a document that breaks it, and the readers below can no longer throw on it.
            RuleJsonStructure.Check(root, "$", errors);
            if (errors.Count > 0)
            {
                return ValidationResult<RoutingRuleSet>.Failure(errors);
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!TopLevel.Contains(property.Name, StringComparer.Ordinal))
                {
                    errors.Add(new ValidationError($"$.{property.Name}", $"unknown property; a rule set has {string.Join(", ", TopLevel)}."));
                }
            }

            var name = ReadString(root, "name", required: true, errors);
            var version = ReadString(root, "version", required: false, errors);
            var fallbackText = ReadString(root, "fallbackPartner", required: false, errors);
            PartnerId? fallback = null;
            if (fallbackText is not null)
            {
                try
                {
                    fallback = new PartnerId(fallbackText);
                }
                catch (InvalidTextException ex)
                {
                    errors.Add(new ValidationError("$.fallbackPartner", ex.Message));
                }
            }

            var filters = ReadRules(root, "filters", catalog, catalog.FilterFactory, "filter", errors, weighted: false).Select(r => r.Rule).ToList();
            var scorers = ReadRules(root, "scorers", catalog, catalog.ScorerFactory, "scorer", errors, weighted: true)
                .Select(r => new WeightedScorer(r.Rule, r.Weight)).ToList();
            IRoutingSelector? selector = new Rules.HighestScoreSelector();
            if (root.TryGetProperty("selector", out var selectorElement) && selectorElement.ValueKind != JsonValueKind.Null)
            {
                selector = ReadRule(selectorElement, "$.selector", catalog, catalog.SelectorFactory, "selector", errors, weighted: false).Rule;
            }

            if (errors.Count > 0)
            {
                return ValidationResult<RoutingRuleSet>.Failure(errors);
            }

            return ValidationResult<RoutingRuleSet>.Success(new RoutingRuleSet(name!, version, filters, scorers, selector!, fallback));
        }
    }

    private static string? ReadString(JsonElement root, string name, bool required, List<ValidationError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new ValidationError($"$.{name}", "is required."));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add(new ValidationError($"$.{name}", "must be a non-empty string."));
            return null;
        }

        return value.GetString()!.Trim();
    }

    private static List<(T Rule, double Weight)> ReadRules<T>(JsonElement root, string section, RoutingRuleCatalog catalog, Func<string, Func<RuleParameters, T?>?> factoryOf, string role, List<ValidationError> errors, bool weighted)
        where T : class, IRoutingRule
    {
        var result = new List<(T, double)>();
        if (!root.TryGetProperty(section, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError($"$.{section}", $"must be an array of {role} objects."));
            return result;
        }

        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            var (rule, weight) = ReadRule(element, $"$.{section}[{i++}]", catalog, factoryOf, role, errors, weighted);
            if (rule is not null)
            {
                result.Add((rule, weight));
            }
        }

        return result;
    }

    private static (T? Rule, double Weight) ReadRule<T>(JsonElement element, string path, RoutingRuleCatalog catalog, Func<string, Func<RuleParameters, T?>?> factoryOf, string role, List<ValidationError> errors, bool weighted)
        where T : class, IRoutingRule
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(path, $"a {role} must be a JSON object with a 'kind'."));
            return (null, 0);
        }

        if (!element.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(kindElement.GetString()))
        {
            errors.Add(new ValidationError($"{path}.kind", "is required and must be a string."));
            return (null, 0);
        }

        var kind = kindElement.GetString()!;
        var factory = factoryOf(kind);
        if (factory is null)
        {
            var elsewhere = catalog.FilterKinds.Contains(kind) ? "filters"
                : catalog.ScorerKinds.Contains(kind) ? "scorers"
                : catalog.SelectorKinds.Contains(kind) ? "selector"
                : null;
            var known = role switch
            {
                "filter" => catalog.FilterKinds,
                "scorer" => catalog.ScorerKinds,
                _ => catalog.SelectorKinds,
            };
            errors.Add(new ValidationError($"{path}.kind", elsewhere is null
                ? $"unknown {role} kind '{kind}'; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}."
                : $"'{kind}' is not a {role}; it belongs under '{elsewhere}'."));
            return (null, 0);
        }

        var parameters = new RuleParameters(element, path, kind, errors, "kind");
        var weight = weighted ? parameters.GetNumber("weight", 0, 1_000_000) ?? 1 : 0;
        T? rule = null;
        var before = errors.Count;
        try
        {
            rule = factory(parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidInputException)
        {
            var field = ex is ArgumentException argument ? argument.ParamName : ((InvalidInputException)ex).Field;
            parameters.AddError(field is { } p && parameters.Has(p) ? p : null, ex.Message);
        }

        parameters.ReportUnknown();
        if (rule is null && errors.Count == before)
        {
            parameters.AddError(null, $"the factory of rule kind '{kind}' built nothing.");
        }

        return (errors.Count == before ? rule : null, weight);
    }
}
