using System.Text.Json;
using System.Text.RegularExpressions;
using PartnerPipeline.Reports;

namespace PartnerPipeline.Tests;

public sealed partial class HtmlReportRenderingTests
{
    // Injected only into the test's copy: records script errors and the laid-out size of every SVG.
    private const string Probe = """
        <script>
        window.__errors = [];
        window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
        document.addEventListener('DOMContentLoaded', () => {
          const svgs = {};
          for (const svg of document.querySelectorAll('svg')) {
            const box = svg.getBBox();
            const drawn = [...svg.querySelectorAll('rect,line')].filter(s => { const b = s.getBBox(); return b.width > 0 || b.height > 0; }).length;
            svgs[svg.id] = { width: box.width, height: box.height, drawn };
          }
          const pre = document.createElement('pre');
          pre.id = 'render-check';
          pre.textContent = JSON.stringify({ errors: window.__errors, svgs });
          document.body.appendChild(pre);
        });
        </script>
        """;

    internal static ReportModel SampleModel() => new(
        "Test pipeline",
        "EUR",
        [new StageRow("Qualification", 10, 100_000m, 10_000m), new StageRow("Proposal", 4, 60_000m, 30_000m), new StageRow("Closed won", 2, 25_000m, 25_000m)],
        new ForecastView("2027-Q1", 52_500m, 31_000m, 52_000m, 74_000m, 80_000m, 0.66m, 0.12m,
            [new HistogramBin(20_000m, 40_000m, 120), new HistogramBin(40_000m, 60_000m, 480), new HistogramBin(60_000m, 80_000m, 330), new HistogramBin(80_000m, 100_000m, 70)]),
        [new ScorecardRow("P001", "Alpha Heating", 12, 0.75m, "3h 10m", 0.33m, 0.812m)],
        [new("Leads routed", "16"), new("Escalations", "3")]);

    [Fact]
    public void Render_IsSelfContained_NoScriptsNoExternalResources()
    {
        var html = HtmlReport.Render(SampleModel());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("data-quantile=\"P50\" data-value=\"52000.00\"", html, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public void Render_InHeadlessChromium_LoadsWithoutErrors_AndDrawsTheCharts()
    {
        var html = HtmlReport.Render(SampleModel()).Replace("<head>", "<head>" + Probe, StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.html");
        File.WriteAllText(file, html);
        try
        {
            var dom = HeadlessChromium.DumpDom(HeadlessChromium.Find()!, file);
            var json = RenderCheck().Match(dom);
            Assert.True(json.Success, "The probe did not run; Chromium output was: " + dom[..Math.Min(500, dom.Length)]);
            using var check = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(json.Groups[1].Value));
            Assert.Equal(0, check.RootElement.GetProperty("errors").GetArrayLength());

            var funnel = check.RootElement.GetProperty("svgs").GetProperty("stage-funnel");
            Assert.True(funnel.GetProperty("width").GetDouble() > 100);
            Assert.Equal(6, funnel.GetProperty("drawn").GetInt32()); // amount + weighted bar per stage
            var forecast = check.RootElement.GetProperty("svgs").GetProperty("forecast-distribution");
            Assert.True(forecast.GetProperty("height").GetDouble() > 100);
            Assert.Equal(4 + 3 + 1, forecast.GetProperty("drawn").GetInt32()); // bins, quantile lines, axis

            // The numbers drawn are the model's numbers.
            Assert.Contains("data-stage=\"Proposal\" data-count=\"4\" data-amount=\"60000.00\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-quantile=\"P10\" data-value=\"31000.00\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-quantile=\"P90\" data-value=\"74000.00\"", dom, StringComparison.Ordinal);
            Assert.Contains("Alpha Heating", dom, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("(?:src|href)\\s*=\\s*\"(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("<pre id=\"render-check\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex RenderCheck();
}
