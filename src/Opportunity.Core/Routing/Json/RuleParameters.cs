using System.Text.Json;

namespace Opportunity.Routing.Json;

/// <summary>
/// The parameters of one rule in a JSON rule set, handed to a rule factory of a
/// <see cref="RoutingRuleCatalog"/>. Getters check type and range and record errors that name the
/// JSON path (e.g. <c>$.filters[2].radiiKm[1]</c>) instead of throwing; parameters the factory never
/// reads are reported as unknown, so typos do not pass silently.
/// </summary>
public sealed class RuleParameters
{
    private readonly JsonElement _element;
    private readonly List<ValidationError> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private int _ownErrors;

    internal RuleParameters(JsonElement element, string path, string kind, List<ValidationError> errors, params string[] alreadyRead)
    {
        _element = element;
        Path = path;
        Kind = kind;
        _errors = errors;
        _read.UnionWith(alreadyRead);
    }

    /// <summary>The JSON path of the rule object, e.g. <c>$.filters[2]</c>.</summary>
    public string Path { get; }

    /// <summary>The rule kind.</summary>
    public string Kind { get; }

    /// <summary>True when this rule's parameters produced errors.</summary>
    public bool HasErrors => _ownErrors > 0;

    /// <summary>True when the parameter is present (and not null).</summary>
    public bool Has(string name)
    {
        _read.Add(name);
        return _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>Records an error at <c>{Path}.{name}</c> (or at the rule when <paramref name="name"/> is null).</summary>
    public void AddError(string? name, string message)
    {
        _errors.Add(new ValidationError(name is null ? Path : $"{Path}.{name}", message));
        _ownErrors++;
    }

    /// <summary>A string parameter.</summary>
    public string? GetString(string name, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            AddError(name, "must be a non-empty string.");
            return null;
        }

        return value.GetString()!.Trim();
    }

    /// <summary>A boolean parameter.</summary>
    public bool? GetBoolean(string name, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            AddError(name, "must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>A number parameter within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public double? GetNumber(string name, double minimum = double.MinValue, double maximum = double.MaxValue, bool required = false) =>
        TryGet(name, required, out var value) ? ReadNumber(value, name, minimum, maximum) : null;

    /// <summary>A whole-number parameter within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public int? GetInteger(string name, int minimum = int.MinValue, int maximum = int.MaxValue, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < minimum || number > maximum)
        {
            AddError(name, $"must be a whole number between {minimum} and {maximum}.");
            return null;
        }

        return number;
    }

    /// <summary>An array of non-empty strings.</summary>
    public IReadOnlyList<string>? GetStrings(string name, bool required = false)
    {
        if (!TryGetArray(name, required, out var array))
        {
            return null;
        }

        var result = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                AddError($"{name}[{i}]", "must be a non-empty string.");
            }
            else
            {
                result.Add(item.GetString()!.Trim());
            }

            i++;
        }

        return result;
    }

    /// <summary>An array of numbers, each within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public IReadOnlyList<double>? GetNumbers(string name, double minimum = double.MinValue, double maximum = double.MaxValue, bool required = false)
    {
        if (!TryGetArray(name, required, out var array))
        {
            return null;
        }

        var result = new List<double>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (ReadNumber(item, $"{name}[{i}]", minimum, maximum) is { } number)
            {
                result.Add(number);
            }

            i++;
        }

        return result;
    }

    /// <summary>An object mapping names to numbers within [<paramref name="minimum"/>, <paramref name="maximum"/>]; keys are case-insensitive.</summary>
    public IReadOnlyDictionary<string, double>? GetNumberMap(string name, double minimum = double.MinValue, double maximum = double.MaxValue, bool required = false)
    {
        if (!TryGetObject(name, required, out var obj))
        {
            return null;
        }

        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in obj.EnumerateObject())
        {
            if (ReadNumber(property.Value, $"{name}.{property.Name}", minimum, maximum) is { } number)
            {
                result[property.Name] = number;
            }
        }

        return result;
    }

    /// <summary>An object mapping names to arrays of strings; keys are case-insensitive.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? GetStringListMap(string name, bool required = false)
    {
        if (!TryGetObject(name, required, out var obj))
        {
            return null;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                AddError($"{name}.{property.Name}", "must be an array of strings.");
                continue;
            }

            var list = new List<string>();
            var i = 0;
            foreach (var item in property.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    AddError($"{name}.{property.Name}[{i}]", "must be a non-empty string.");
                }
                else
                {
                    list.Add(item.GetString()!.Trim());
                }

                i++;
            }

            result[property.Name] = list;
        }

        return result;
    }

    internal void ReportUnknown()
    {
        var known = _read.Where(n => n != "kind").Order(StringComparer.Ordinal).ToList();
        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                AddError(property.Name, $"unknown parameter of rule '{Kind}'" + (known.Count > 0 ? $"; it takes {string.Join(", ", known)}." : "; it takes none."));
            }
        }
    }

    private double? ReadNumber(JsonElement value, string name, double minimum, double maximum)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < minimum || number > maximum)
        {
            AddError(name, $"must be a number between {minimum} and {maximum}.");
            return null;
        }

        return number;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            AddError(name, "is required.");
        }

        return false;
    }

    private bool TryGetArray(string name, bool required, out JsonElement value)
    {
        if (!TryGet(name, required, out value))
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            AddError(name, "must be an array.");
            return false;
        }

        return true;
    }

    private bool TryGetObject(string name, bool required, out JsonElement value)
    {
        if (!TryGet(name, required, out value))
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            AddError(name, "must be an object.");
            return false;
        }

        return true;
    }
}
