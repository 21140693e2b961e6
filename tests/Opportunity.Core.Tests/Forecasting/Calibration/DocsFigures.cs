namespace Opportunity.Core.Tests.Forecasting.Calibration;

/// <summary>Finds a figures block in docs/forecasting.md, between <c>&lt;!-- figures:NAME --&gt;</c> and <c>&lt;!-- /figures:NAME --&gt;</c>.</summary>
internal static class DocsFigures
{
    public static string Block(string name)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "forecasting.md")))
        {
            folder = folder.Parent;
        }

        var text = File.ReadAllText(Path.Combine(folder?.FullName ?? throw new InvalidOperationException("docs/forecasting.md not found above the test folder."), "docs", "forecasting.md")).ReplaceLineEndings("\n");
        var open = $"<!-- figures:{name} -->\n";
        var start = text.IndexOf(open, StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- /figures:{name} -->", StringComparison.Ordinal);
        return start < 0 || end < start ? "" : text[(start + open.Length)..end];
    }
}
