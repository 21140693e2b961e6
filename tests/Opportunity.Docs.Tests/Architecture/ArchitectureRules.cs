using System.Text.RegularExpressions;

namespace Opportunity.Docs.Tests.Architecture;

/// <summary>
/// The rules of docs/architecture.md, read from its table (the one place to change them): for each
/// namespace of the packages, the namespaces it may reference. Every namespace may reference the
/// root namespace <c>Opportunity</c> (the primitives); the root may reference every namespace (its
/// registration methods wire them all), so it is left out of the cycle check.
/// </summary>
internal sealed partial class ArchitectureRules
{
    public const string Root = "Opportunity";

    private ArchitectureRules(IReadOnlyDictionary<string, IReadOnlySet<string>> mayReference) => MayReference = mayReference;

    /// <summary>Namespace → the namespaces it may reference besides itself and the root.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> MayReference { get; }

    public bool Allows(string from, string to) =>
        from == to || to == Root || from == Root || (MayReference.TryGetValue(from, out var allowed) && allowed.Contains(to));

    /// <summary>The heading of the section whose table holds the rules.</summary>
    public const string Section = "## Namespaces and who may reference whom";

    /// <summary>
    /// Reads the rows <c>| `Opportunity.X` | … | `Y`, `Z` |</c> of the table in <see cref="Section"/> (the last
    /// cell: short names under <c>Opportunity.</c>, or — for none).
    /// </summary>
    public static ArchitectureRules Read(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var start = markdown.IndexOf(Section + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"docs/architecture.md has no section '{Section}'.");
        }

        var body = markdown[(start + Section.Length)..];
        var end = body.IndexOf("\n## ", StringComparison.Ordinal);
        var rules = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var line in (end < 0 ? body : body[..end]).Split('\n'))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 2 || NamespaceCell().Match(cells[0]) is not { Success: true } name)
            {
                continue;
            }

            var allowed = Backticked().Matches(cells[^1]).Select(m => $"{Root}.{m.Groups[1].Value}").ToHashSet(StringComparer.Ordinal);
            if (!rules.TryAdd(name.Groups[1].Value, allowed))
            {
                throw new InvalidOperationException($"docs/architecture.md lists {name.Groups[1].Value} twice.");
            }
        }

        return new ArchitectureRules(rules);
    }

    [GeneratedRegex(@"^`(Opportunity(?:\.\w+)*)`$")]
    private static partial Regex NamespaceCell();

    [GeneratedRegex(@"`(\w+(?:\.\w+)*)`")]
    private static partial Regex Backticked();
}
