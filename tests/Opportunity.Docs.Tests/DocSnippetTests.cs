namespace Opportunity.Docs.Tests;

/// <summary>Every C# block in README.md, docs/*.md and the packages' READMEs compiles as written (see <see cref="DocSnippetCompiler"/>).</summary>
public sealed class DocSnippetTests
{
    private static readonly Lazy<IReadOnlyList<MarkdownCodeBlock>> AllBlocks = new(() =>
    {
        var root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            // Each package's own README, shown on its package page.
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists).Order(StringComparer.Ordinal));
        return files
            .SelectMany(f => MarkdownCodeBlock.Read(Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();
    });

    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in AllBlocks.Value)
        {
            data.Add(block.Location);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_AsWrittenInTheDocs_Compiles(string location)
    {
        var block = AllBlocks.Value.Single(b => b.Location == location);
        var page = AllBlocks.Value.Where(b => b.File == block.File && DocSnippetCompiler.IsTypeDeclarationsOnly(b));

        var errors = DocSnippetCompiler.Errors(block, page);

        Assert.True(errors.Count == 0, $"The C# block at {location} does not compile:\n{string.Join('\n', errors)}\n\n{block.Code}");
    }

    [Fact]
    public void Blocks_FoundInReadmeAndDocs_AreMany()
    {
        // Guards the extraction itself: if the fence parsing broke, the theory above would pass vacuously.
        Assert.True(AllBlocks.Value.Count >= 30, $"only {AllBlocks.Value.Count} C# blocks found");
        Assert.Contains(AllBlocks.Value, b => b.File == "README.md");
        Assert.Contains(AllBlocks.Value, b => b.File == "docs/getting-started.md");
        Assert.Contains(AllBlocks.Value, b => b.File == "src/Opportunity.Core/README.md");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Opportunity.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Opportunity.Core.sln not found above " + AppContext.BaseDirectory);
    }
}
