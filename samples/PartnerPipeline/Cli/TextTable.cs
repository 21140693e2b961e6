namespace PartnerPipeline.Cli;

/// <summary>
/// A text table whose columns are as wide as their widest cell (header included), two spaces apart:
/// fixed widths ran large amounts into their neighbours. The first column is left-aligned, the
/// others (numbers) right-aligned.
/// </summary>
internal static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            var cells = row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            output.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}
