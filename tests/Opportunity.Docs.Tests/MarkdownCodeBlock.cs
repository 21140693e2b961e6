using System.Text.RegularExpressions;

namespace Opportunity.Docs.Tests;

/// <summary>One fenced C# block of a Markdown file: where it is and what it says.</summary>
public sealed record MarkdownCodeBlock(string File, int Line, string Code)
{
    private static readonly Regex Fence = new(@"^\s*```\s*(?<lang>[A-Za-z#+-]*)", RegexOptions.CultureInvariant);

    /// <summary>Where the block is, as an editor link: <c>docs/routing.md:9</c>.</summary>
    public string Location => $"{File}:{Line}";

    /// <summary>The ```csharp (or ```cs, ```c#) blocks of a Markdown text, in order.</summary>
    public static IEnumerable<MarkdownCodeBlock> Read(string file, string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence.Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var language = open.Groups["lang"].Value.ToLowerInvariant();
            var start = i + 1;
            var end = start;
            while (end < lines.Length && !Fence.IsMatch(lines[end]))
            {
                end++;
            }

            if (language is "csharp" or "cs" or "c#")
            {
                // Line numbers are 1-based and point at the block's first code line.
                yield return new MarkdownCodeBlock(file, start + 1, string.Join('\n', lines[start..end]).TrimEnd('\r'));
            }

            i = end;
        }
    }
}
