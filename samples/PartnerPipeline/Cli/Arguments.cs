namespace PartnerPipeline.Cli;

/// <summary>
/// A small parser: an optional command word, then positional values and <c>--name value</c> /
/// <c>--flag</c> options. Each command says which options it takes; anything else is an error.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    // Options given last or before another option: refused when read ("needs a value"), or by
    // EnsureAllUsed as unknown when the command does not take them.
    private readonly HashSet<string> _withoutValue = new(StringComparer.Ordinal);

    private Arguments(string command, List<string> positional)
    {
        Command = command;
        Positional = positional;
    }

    public string Command { get; }

    public IReadOnlyList<string> Positional { get; }

    public bool Help => _options.ContainsKey("help") || _options.ContainsKey("h");

    public static Arguments Parse(string[] args, IReadOnlySet<string> commands, IReadOnlySet<string> flags)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        if (args.Length > 0 && !args[0].StartsWith('-') && !commands.Contains(command))
        {
            throw new UsageException($"unknown command '{command}'; commands: {string.Join(", ", commands)} (try --help)");
        }

        var positional = new List<string>();
        var parsed = new Arguments(command, positional);
        for (var i = args.Length > 0 && !args[0].StartsWith('-') ? 1 : 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                parsed._options["help"] = null;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                if (flags.Contains(name))
                {
                    parsed._options[name] = null;
                }
                else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    parsed._options[name] = args[++i];
                }
                else
                {
                    parsed._options[name] = null;
                    parsed._withoutValue.Add(name);
                }
            }
            else
            {
                positional.Add(arg);
            }
        }

        return parsed;
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _withoutValue.Contains(name)
            ? throw new UsageException($"option '--{name}' needs a value")
            : _options.GetValueOrDefault(name);
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public int IntOption(string name, int fallback, int min, int max)
    {
        var text = Option(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{text}'");
    }

    public string Choice(string name, string fallback, params string[] allowed)
    {
        var value = Option(name) ?? fallback;
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new UsageException($"--{name} must be one of {string.Join(", ", allowed)}, got '{value}'");
    }

    /// <summary>Fails on options the command did not read and on surplus positional values.</summary>
    public void EnsureAllUsed(int positionalExpected)
    {
        var unknown = _options.Keys.Where(k => k != "help" && !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option '--{unknown[0]}' for '{Command}' (try '{Command} --help')");
        }

        if (Positional.Count > positionalExpected)
        {
            throw new UsageException($"unexpected argument '{Positional[positionalExpected]}' for '{Command}' (try '{Command} --help')");
        }
    }
}
