using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Opportunity.Docs.Tests;

/// <summary>
/// Compiles one documentation block the way an adopter's <c>dotnet new web</c> app would: the Web
/// SDK's implicit usings, the block's own <c>using</c>s, and nothing else. Statements compile as a
/// program's top-level statements; a block of type declarations compiles as a file, and its types
/// are visible to the other blocks of the same page. Names from <see cref="DocContext"/> are
/// declared only when the block uses them without declaring them.
/// </summary>
internal static class DocSnippetCompiler
{
    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a Microsoft.NET.Sdk.Web project.</summary>
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>The compiler's errors for the block, each prefixed with its Markdown file and line; empty when it compiles.</summary>
    public static IReadOnlyList<string> Errors(MarkdownCodeBlock block, IEnumerable<MarkdownCodeBlock> typeBlocksOfPage)
    {
        var pageTypes = typeBlocksOfPage.Where(b => b != block).Select(b => Tree(b, [])).ToList();
        var ambient = new List<string>();
        while (true)
        {
            var tree = Tree(block, ambient);
            var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
            var compilation = CSharpCompilation.Create(
                "DocSnippet",
                [GlobalUsings(), tree, .. pageTypes],
                References.Value,
                new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

            // A name the block uses but does not declare: declare it if the context knows it, then try again.
            var missing = errors
                .Where(d => d.Id == "CS0103" && d.Location.SourceTree == tree)
                .Select(d => tree.GetText().ToString(d.Location.SourceSpan))
                .Where(name => DocContext.Variables.ContainsKey(name) && !ambient.Contains(name))
                .Distinct()
                .ToList();
            if (isProgram && missing.Count > 0)
            {
                ambient.AddRange(missing);
                continue;
            }

            return errors.Select(Describe).ToList();
        }
    }

    /// <summary>Whether the block declares types only (no top-level statements): its types serve the page's other blocks.</summary>
    public static bool IsTypeDeclarationsOnly(MarkdownCodeBlock block) =>
        !CSharpSyntaxTree.ParseText(block.Code, Parse).GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();

    private static SyntaxTree GlobalUsings() =>
        CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), Parse, path: "ImplicitUsings.g.cs");

    /// <summary>The block's text with <c>#line</c> directives, so errors point into the Markdown file, and the ambient declarations after its usings.</summary>
    private static SyntaxTree Tree(MarkdownCodeBlock block, IReadOnlyList<string> ambient)
    {
        var lines = block.Code.Split('\n');
        var usingLines = UsingLineCount(block.Code);
        var text = new System.Text.StringBuilder();
        text.Append($"#line {block.Line} \"{block.File}\"\n");
        text.AppendJoin('\n', lines[..usingLines]).Append('\n');
        text.Append("#line hidden\n");
        foreach (var name in ambient)
        {
            text.Append($"{DocContext.Variables[name]} {name} = default!;\n");
        }

        text.Append($"#line {block.Line + usingLines} \"{block.File}\"\n");
        text.AppendJoin('\n', lines[usingLines..]).Append('\n');
        return CSharpSyntaxTree.ParseText(text.ToString(), Parse, path: block.File);
    }

    /// <summary>How many leading lines hold the block's using directives (and the comments between them).</summary>
    private static int UsingLineCount(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, Parse).GetCompilationUnitRoot();
        if (root.Usings.Count == 0)
        {
            return 0;
        }

        return root.Usings.Last().GetLocation().GetLineSpan().EndLinePosition.Line + 1;
    }

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}: {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
