using System.Globalization;
using Opportunity.Pipelines;

namespace Opportunity.Import;

/// <summary>
/// The <c>lines</c> and <c>splits</c> cells of the opportunity CSV: a deal's line items and credit
/// splits in one cell each, entries separated by <c>;</c>, fields by <c>|</c> — one row per deal,
/// built in a spreadsheet with a formula such as <c>=A2&amp;"|"&amp;B2&amp;"|"&amp;C2</c>:
/// <c>lines</c> as <c>product|quantity|unit_price[|discount_percent]</c>, <c>splits</c> as
/// <c>party|role|percent</c> (role <c>partner</c>, <c>distributor</c> or <c>manufacturer_rep</c>).
/// </summary>
internal static class LineItemCells
{
    public const string LinesFormat = "product|quantity|unit_price[|discount_percent]";
    public const string SplitsFormat = "party|role|percent";

    /// <summary>The line items of a <c>lines</c> cell in <paramref name="currency"/>; null (with problems reported) when an entry is wrong.</summary>
    public static List<OpportunityLine>? ReadLines(string text, CurrencyCode currency, Action<string, string> problem)
    {
        var lines = new List<OpportunityLine>();
        var entries = text.Split(';');
        for (var i = 0; i < entries.Length; i++)
        {
            var fields = entries[i].Split('|');
            if (fields.Length is < 3 or > 4 || fields[0].Trim().Length == 0)
            {
                problem("lines", $"Entry {i + 1} '{entries[i].Trim()}' is not '{LinesFormat}' (e.g. pump-x|3|1000.00|10).");
                return null;
            }

            if (Number(fields[1]) is not { } quantity || Number(fields[2]) is not { } price || (fields.Length == 4 ? Number(fields[3]) : 0m) is not { } discount)
            {
                problem("lines", $"Entry {i + 1} '{entries[i].Trim()}': quantity, unit price and discount are numbers with a point as decimal separator, no grouping.");
                return null;
            }

            try
            {
                lines.Add(new OpportunityLine(fields[0], quantity, new Money(price, currency), discount));
            }
            catch (Exception e) when (e is ArgumentException or InvalidInputException)
            {
                problem("lines", $"Entry {i + 1} '{entries[i].Trim()}': {FirstSentence(e.Message)}");
                return null;
            }
        }

        return lines;
    }

    /// <summary>The credit splits of a <c>splits</c> cell; null (with problems reported) when an entry is wrong, a party and role repeats, or the shares do not total 100.</summary>
    public static List<OpportunitySplit>? ReadSplits(string text, Action<string, string> problem)
    {
        var splits = new List<OpportunitySplit>();
        var entries = text.Split(';');
        for (var i = 0; i < entries.Length; i++)
        {
            var fields = entries[i].Split('|');
            if (fields.Length != 3 || Role(fields[1]) is not { } role || Number(fields[2]) is not { } percent)
            {
                problem("splits", $"Entry {i + 1} '{entries[i].Trim()}' is not '{SplitsFormat}' with role partner, distributor or manufacturer_rep (e.g. dist-north|distributor|20.5).");
                return null;
            }

            try
            {
                var split = new OpportunitySplit(fields[0], role, percent);
                if (splits.Any(s => s.Party == split.Party && s.Role == split.Role))
                {
                    problem("splits", $"Entry {i + 1}: '{split.Party}' as {fields[1].Trim()} appears twice.");
                    return null;
                }

                splits.Add(split);
            }
            catch (Exception e) when (e is ArgumentException or InvalidInputException)
            {
                problem("splits", $"Entry {i + 1} '{entries[i].Trim()}': {FirstSentence(e.Message)}");
                return null;
            }
        }

        if (splits.Sum(s => s.Percent) is var total && total != 100m)
        {
            problem("splits", $"The shares total {total.ToString(CultureInfo.InvariantCulture)} %, not 100 %.");
            return null;
        }

        return splits;
    }

    /// <summary>The <c>lines</c> cell of an opportunity; null without lines.</summary>
    /// <exception cref="ArgumentException">A product holds <c>;</c> or <c>|</c>, which the cell uses between entries and fields.</exception>
    public static string? WriteLines(IReadOnlyList<OpportunityLine> lines) =>
        lines.Count == 0 ? null : string.Join(';', lines.Select(l => string.Join(
            '|',
            [Text(l.Product, "lines"), Invariant(l.Quantity), Invariant(l.UnitPrice.Amount), .. l.DiscountPercent == 0m ? Array.Empty<string>() : [Invariant(l.DiscountPercent)]])));

    /// <summary>The <c>splits</c> cell of an opportunity; null without splits.</summary>
    /// <exception cref="ArgumentException">A party holds <c>;</c> or <c>|</c>.</exception>
    public static string? WriteSplits(IReadOnlyList<OpportunitySplit> splits) =>
        splits.Count == 0 ? null : string.Join(';', splits.Select(s => string.Join('|', Text(s.Party, "splits"), RoleName(s.Role), Invariant(s.Percent))));

    private static string Text(string value, string column) =>
        value.AsSpan().IndexOfAny(";|") >= 0
            ? throw new ArgumentException($"'{value}' holds ';' or '|', which the {column} column uses between entries and fields.", nameof(value))
            : value;

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal? Number(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static SplitRole? Role(string text) =>
        text.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal) switch
        {
            "partner" => SplitRole.Partner,
            "distributor" => SplitRole.Distributor,
            "manufacturerrep" => SplitRole.ManufacturerRep,
            _ => null,
        };

    private static string RoleName(SplitRole role) => role switch
    {
        SplitRole.Distributor => "distributor",
        SplitRole.ManufacturerRep => "manufacturer_rep",
        _ => "partner",
    };

    private static string FirstSentence(string message) => OpportunityCsvImporter.FirstSentence(message);
}
