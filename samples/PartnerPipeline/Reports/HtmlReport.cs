using System.Globalization;
using System.Net;
using System.Text;

namespace PartnerPipeline.Reports;

/// <summary>
/// One self-contained HTML file with inline SVG charts: no scripts, no fonts, nothing fetched.
/// Chart elements carry data-* attributes with their numbers, so tests (and curious users) can read
/// what was drawn.
/// </summary>
internal static class HtmlReport
{
    private const int ChartWidth = 720;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(ReportModel model)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(model.Title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:900px}")
            .Append("h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}")
            .Append("table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}")
            .Append("th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}")
            .Append("svg text{font-size:12px;fill:#1b1f24}.muted{color:#57606a}")
            .Append("</style></head><body>\n");
        html.Append("<h1>").Append(E(model.Title)).Append("</h1>\n");
        AppendFunnel(html, model);
        AppendForecast(html, model);
        AppendScorecard(html, model);
        AppendStatistics(html, model);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendFunnel(StringBuilder html, ReportModel model)
    {
        const int rowHeight = 34;
        var max = Math.Max(1m, model.Stages.Max(s => s.Amount));
        html.Append("<h2>Pipeline by stage</h2>\n");
        html.Append(Invariant, $"<svg id=\"stage-funnel\" role=\"img\" aria-label=\"Pipeline by stage\" width=\"{ChartWidth}\" height=\"{(model.Stages.Count * rowHeight) + 10}\" viewBox=\"0 0 {ChartWidth} {(model.Stages.Count * rowHeight) + 10}\">\n");
        for (var i = 0; i < model.Stages.Count; i++)
        {
            var s = model.Stages[i];
            var y = i * rowHeight;
            var amountWidth = Width(s.Amount, max, 430);
            var weightedWidth = Width(s.Weighted, max, 430);
            var x = 140 + ((430 - amountWidth) / 2);
            html.Append(Invariant, $"  <text x=\"0\" y=\"{y + 21}\">{E(s.Stage)}</text>\n");
            html.Append(Invariant, $"  <rect class=\"stage-amount\" data-stage=\"{E(s.Stage)}\" data-count=\"{s.Count}\" data-amount=\"{s.Amount:0.00}\" x=\"{x:0.#}\" y=\"{y + 4}\" width=\"{amountWidth:0.#}\" height=\"24\" fill=\"#b6d4fe\"/>\n");
            html.Append(Invariant, $"  <rect class=\"stage-weighted\" data-stage=\"{E(s.Stage)}\" data-weighted=\"{s.Weighted:0.00}\" x=\"{140 + ((430 - weightedWidth) / 2):0.#}\" y=\"{y + 10}\" width=\"{weightedWidth:0.#}\" height=\"12\" fill=\"#0d6efd\"/>\n");
            html.Append(Invariant, $"  <text x=\"580\" y=\"{y + 21}\">{s.Count} · {Money(s.Amount)}</text>\n");
        }

        html.Append("</svg>\n<p class=\"muted\">Light bars: amount; dark bars: weighted value (amount × probability). Amounts in ").Append(E(model.Currency)).Append(".</p>\n");
    }

    private static void AppendForecast(StringBuilder html, ReportModel model)
    {
        var f = model.Forecast;
        const int height = 220;
        const int plotTop = 30;
        const int plotBottom = 180;
        html.Append("<h2>Forecast ").Append(E(f.Period)).Append("</h2>\n");
        html.Append(Invariant, $"<p>Expected <b>{Money(f.Expected)}</b> · P10 {Money(f.P10)} · P50 {Money(f.P50)} · P90 {Money(f.P90)}");
        if (f.Target is { } target)
        {
            html.Append(Invariant, $" · target {Money(target)}");
        }

        if (f.Coverage is { } coverage)
        {
            html.Append(Invariant, $" · coverage {coverage:0.00}×");
        }

        if (f.ProbabilityOfTarget is { } p)
        {
            html.Append(Invariant, $" · P(reach target) {p:P0}");
        }

        html.Append("</p>\n");
        var bins = f.Histogram;
        var low = bins.Count > 0 ? bins[0].From : f.P10;
        var high = bins.Count > 0 ? bins[^1].To : f.P90;
        var span = Math.Max(1m, high - low);
        var maxCount = Math.Max(1, bins.Count == 0 ? 1 : bins.Max(b => b.Count));
        decimal X(decimal value) => 20 + ((value - low) / span * (ChartWidth - 40));
        html.Append(Invariant, $"<svg id=\"forecast-distribution\" role=\"img\" aria-label=\"Forecast distribution\" width=\"{ChartWidth}\" height=\"{height}\" viewBox=\"0 0 {ChartWidth} {height}\">\n");
        foreach (var bin in bins)
        {
            var barHeight = (decimal)bin.Count / maxCount * (plotBottom - plotTop);
            html.Append(Invariant, $"  <rect class=\"histogram-bin\" data-from=\"{bin.From:0.00}\" data-to=\"{bin.To:0.00}\" data-count=\"{bin.Count}\" x=\"{X(bin.From):0.#}\" y=\"{plotBottom - barHeight:0.#}\" width=\"{Math.Max(1m, X(bin.To) - X(bin.From) - 1):0.#}\" height=\"{barHeight:0.#}\" fill=\"#9ec5fe\"/>\n");
        }

        foreach (var (name, value, color) in new[] { ("P10", f.P10, "#dc3545"), ("P50", f.P50, "#198754"), ("P90", f.P90, "#dc3545") })
        {
            var x = X(value);
            html.Append(Invariant, $"  <line class=\"quantile\" data-quantile=\"{name}\" data-value=\"{value:0.00}\" x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{plotTop - 10}\" y2=\"{plotBottom}\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
            html.Append(Invariant, $"  <text x=\"{x + 3:0.#}\" y=\"{plotTop - 14}\">{name} {Money(value)}</text>\n");
        }

        html.Append(Invariant, $"  <line x1=\"20\" x2=\"{ChartWidth - 20}\" y1=\"{plotBottom}\" y2=\"{plotBottom}\" stroke=\"#57606a\"/>\n");
        html.Append(Invariant, $"  <text x=\"20\" y=\"{plotBottom + 18}\">{Money(low)}</text><text x=\"{ChartWidth - 120}\" y=\"{plotBottom + 18}\">{Money(high)}</text>\n");
        html.Append("</svg>\n<p class=\"muted\">Won amount in the period over seeded Monte Carlo trials, each deal won with its probability.</p>\n");
    }

    private static void AppendScorecard(StringBuilder html, ReportModel model)
    {
        html.Append("<h2>Partner scorecard</h2>\n<table id=\"scorecard\"><thead><tr><th>Partner</th><th>Name</th><th>Leads</th><th>Acceptance</th><th>Median time to accept</th><th>Conversion</th><th>Score</th></tr></thead><tbody>\n");
        foreach (var r in model.Scorecard)
        {
            html.Append(Invariant, $"<tr data-partner=\"{E(r.PartnerId)}\"><td>{E(r.PartnerId)}</td><td>{E(r.Name)}</td><td>{r.LeadsReceived}</td><td>{E(ConsoleReport.Rate(r.AcceptanceRate))}</td><td>{E(r.MedianTimeToAccept)}</td><td>{E(ConsoleReport.Rate(r.Conversion))}</td><td>{r.Score:0.000}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void AppendStatistics(StringBuilder html, ReportModel model)
    {
        html.Append("<h2>Routing and escalation</h2>\n<table id=\"statistics\"><tbody>\n");
        foreach (var (key, value) in model.Statistics)
        {
            html.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static decimal Width(decimal value, decimal max, decimal full) => value <= 0 ? 0 : Math.Max(1m, value / max * full);

    private static string Money(decimal amount) => amount.ToString("N0", Invariant);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
