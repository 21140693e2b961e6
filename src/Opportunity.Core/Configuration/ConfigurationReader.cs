using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace Opportunity.Configuration;

/// <summary>
/// Reads one configuration section into a domain type whose constructor the binder cannot call
/// (escalation ladders, calendars, templates). Every failure is collected with the full key path
/// (<c>Opportunity:LeadDistribution:Escalation:Default:1:After</c>), so one start reports them all;
/// keys the reader was not told about are failures too, as <c>ErrorOnUnknownConfiguration</c> makes them
/// for bound options.
/// </summary>
internal sealed class ConfigurationReader
{
    private readonly IConfiguration _section;
    private readonly List<string> _failures;

    public ConfigurationReader(IConfiguration section, string path, List<string> failures)
    {
        _section = section;
        Path = path;
        _failures = failures;
    }

    /// <summary>The full key path of the section; empty for a configuration root.</summary>
    public string Path { get; }

    /// <summary>The section's last key (a dictionary key such as a tier name, or an array index).</summary>
    public string Key => _section is IConfigurationSection s ? s.Key : string.Empty;

    /// <summary>A reader over <paramref name="configuration"/>, named by its own path.</summary>
    public static ConfigurationReader For(IConfiguration configuration, List<string> failures) =>
        new(configuration, (configuration as IConfigurationSection)?.Path ?? string.Empty, failures);

    /// <summary>The section's own value (an array item's text), or null.</summary>
    public string? Value => (_section as IConfigurationSection)?.Value;

    /// <summary>True when the key has a value or children.</summary>
    public bool Has(string key) => _section.GetSection(key).Exists();

    /// <summary>The sub-section <paramref name="key"/>, or null when absent.</summary>
    public ConfigurationReader? Section(string key) =>
        _section.GetSection(key) is { } child && child.Exists() ? new ConfigurationReader(child, PathOf(key), _failures) : null;

    /// <summary>
    /// The children of the section (array items in index order, dictionary entries as written);
    /// none, and a failure, when the section is a single value where a list or object belongs.
    /// </summary>
    public IReadOnlyList<ConfigurationReader> Children()
    {
        if (Value is { } value)
        {
            Fail(null, $"expected an array or object, found the value '{value}'.");
            return [];
        }

        return
        [
            .. _section.GetChildren()
                .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
                .Select(c => new ConfigurationReader(c, PathOf(c.Key), _failures)),
        ];
    }

    /// <summary>Records a failure of every child key not in <paramref name="known"/> (case-insensitive, as configuration keys are).</summary>
    public ConfigurationReader Allow(params string[] known)
    {
        foreach (var child in _section.GetChildren().Where(c => !known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            Fail(child.Key, $"unknown key. Known: {string.Join(", ", known)}.");
        }

        return this;
    }

    public string? String(string key) => _section.GetSection(key).Value;

    public Duration? Duration(string key) => Parse(key, "a duration", text => DurationTypeConverter.Parse(text));

    public int? Int(string key) => Parse(key, "a whole number", text => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public bool? Bool(string key) => Parse(key, "true or false", bool.Parse);

    /// <summary>An enum member by name (case-insensitive); numbers are refused, as they say nothing to a reader.</summary>
    public T? Enum<T>(string key)
        where T : struct, Enum =>
        Parse(key, $"one of {string.Join(", ", System.Enum.GetNames<T>())}", text => Name<T>(text));

    /// <summary>
    /// A flags enum: names joined by commas (<c>"Source, City"</c>, as .NET writes flags) or a JSON
    /// array of names. The members given replace the value; they are not added to it.
    /// </summary>
    public T? Flags<T>(string key)
        where T : struct, Enum
    {
        var section = _section.GetSection(key);
        if (!section.Exists())
        {
            return null;
        }

        var names = section.Value is { } text
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => (Path: PathOf(key), Name: n))
            : section.GetChildren().Select(c => (Path: PathOf(key) + ConfigurationPath.KeyDelimiter + c.Key, Name: c.Value ?? string.Empty));
        var value = 0L;
        var valid = true;
        foreach (var (path, name) in names)
        {
            try
            {
                value |= Convert.ToInt64(Name<T>(name), CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                _failures.Add($"{path}: '{name}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");
                valid = false;
            }
        }

        return valid ? (T)System.Enum.ToObject(typeof(T), value) : null;
    }

    /// <summary>The string items of an array section, or null when absent.</summary>
    public IReadOnlyList<string>? Strings(string key) =>
        Section(key)?.Children().Select(c => c.Value ?? string.Empty).ToList();

    /// <summary>Records a failure of <paramref name="key"/> (or of the section itself when null).</summary>
    public void Fail(string? key, string message) => _failures.Add($"{(key is null ? Path : PathOf(key))}: {message}");

    /// <summary>
    /// Runs a domain constructor and records its argument or input error under <paramref name="key"/>
    /// (the section itself when null); returns default then.
    /// </summary>
    public T? Create<T>(string? key, Func<T> create)
        where T : class
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            // The parameter name speaks of code, not of configuration; the message is what the reader needs.
            Fail(key, e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal).ReplaceLineEndings(" "));
            return null;
        }
        catch (InputValidationException e)
        {
            foreach (var error in e.Errors)
            {
                Fail(key, error.ToString());
            }

            return null;
        }
    }

    private string PathOf(string key) => Path.Length == 0 ? key : ConfigurationPath.Combine(Path, key);

    private T? Parse<T>(string key, string expected, Func<string, T> parse)
        where T : struct
    {
        if (_section.GetSection(key).Value is not { } text)
        {
            if (Has(key))
            {
                Fail(key, $"expected {expected}, found a section.");
            }

            return null;
        }

        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            Fail(key, e is FormatException && typeof(T) == typeof(Duration) ? e.Message : $"'{text}' is not {expected}.");
            return null;
        }
    }

    private static T Name<T>(string text)
        where T : struct, Enum =>
        System.Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? System.Enum.Parse<T>(name)
            : throw new FormatException();
}
