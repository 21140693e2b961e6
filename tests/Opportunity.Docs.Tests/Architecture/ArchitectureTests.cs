using System.Reflection;

namespace Opportunity.Docs.Tests.Architecture;

/// <summary>
/// The compiled packages keep the layers docs/architecture.md draws: every reference from one
/// namespace to another (signatures, attributes and method bodies, read by reflection and from the
/// IL) is one the table allows, and the namespaces form no cycle.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Packages =
    [
        "Opportunity.Core",
        "Opportunity.Persistence.Sqlite",
        "Opportunity.Persistence.PostgreSql",
        "Opportunity.Notifications.Smtp",
        "Opportunity.Notifications.Webhooks",
        "Opportunity.Hosting",
        "Opportunity.AspNetCore",
        "Opportunity.Testing",
    ];

    private static readonly Lazy<IReadOnlyList<Reference>> References = new(Collect);

    private static readonly Lazy<ArchitectureRules> Rules = new(() =>
        ArchitectureRules.Read(File.ReadAllText(Path.Combine(DocSnippetTests.RepositoryRoot(), "docs", "architecture.md"))));

    [Fact]
    public void References_OfEveryPackage_OnlyThoseTheArchitectureAllows()
    {
        var undocumented = References.Value.Select(r => r.From).Append(ArchitectureRules.Root).Distinct()
            .Where(ns => ns != ArchitectureRules.Root && !Rules.Value.MayReference.ContainsKey(ns))
            .Order(StringComparer.Ordinal)
            .ToList();
        var violations = References.Value
            .Where(r => Rules.Value.MayReference.ContainsKey(r.From) && !Rules.Value.Allows(r.From, r.To))
            .GroupBy(r => (r.From, r.To))
            .Select(g => $"{g.Key.From} → {g.Key.To}: {g.First().Type} ({g.First().Via}) refers to {g.First().Target}{(g.Count() > 1 ? $", and {g.Count() - 1} more" : string.Empty)}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(undocumented.Count == 0, "Namespaces missing from the table of docs/architecture.md: " + string.Join(", ", undocumented));
        Assert.True(violations.Count == 0, "References docs/architecture.md does not allow:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Namespaces_OfEveryPackage_FormNoCycle()
    {
        var edges = References.Value.Select(r => (r.From, r.To)).Distinct().ToList();

        var cycles = Cycles(edges);

        Assert.True(cycles.Count == 0, "Namespace cycles: " + string.Join("; ", cycles.Select(c => string.Join(" ↔ ", c))));
    }

    [Fact]
    public void Rules_TableOfDocsArchitecture_AllowsNoCycle()
    {
        var allowed = Rules.Value.MayReference.SelectMany(kv => kv.Value.Select(to => (kv.Key, to))).ToList();

        Assert.True(Rules.Value.MayReference.Count >= 20, $"only {Rules.Value.MayReference.Count} namespaces read from docs/architecture.md");
        Assert.Empty(Cycles(allowed));
    }

    /// <summary>
    /// The strongly connected components of more than one namespace (Tarjan). As in
    /// <c>ns_cycles.py</c>, a sub-namespace counts as part of its parent (C# lets it use the parent's
    /// names without a <c>using</c>), so its references to the parent are no edge; nor are
    /// references to or from the root namespace, which holds both the primitives and the registration.
    /// </summary>
    private static List<List<string>> Cycles(IReadOnlyList<(string From, string To)> edges)
    {
        var next = edges
            .Where(e => e.From != e.To && e.From != ArchitectureRules.Root && e.To != ArchitectureRules.Root && !e.From.StartsWith(e.To + ".", StringComparison.Ordinal))
            .GroupBy(e => e.From)
            .ToDictionary(g => g.Key, g => g.Select(e => e.To).Distinct().ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var found = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.TryGetValue(w, out var visited))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], visited);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    found.Add(component);
                }
            }
        }

        foreach (var v in next.Keys.Order(StringComparer.Ordinal).ToList())
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return found;
    }

    private static List<Reference> Collect() =>
        [.. Packages
            .Select(name => Assembly.Load(new AssemblyName(name)))
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => InPackages(type.Namespace))
            .SelectMany(type => TypeReferences.Of(type)
                .Where(r => InPackages(r.Target.Namespace))
                .Select(r => new Reference(type.Namespace!, r.Target.Namespace!, type.FullName ?? type.Name, r.Via, r.Target.FullName ?? r.Target.Name)))];

    private static bool InPackages(string? ns) =>
        ns is not null && (ns == ArchitectureRules.Root || ns.StartsWith(ArchitectureRules.Root + ".", StringComparison.Ordinal));

    private sealed record Reference(string From, string To, string Type, string Via, string Target);
}
