using System.Globalization;

namespace PartnerPipeline.Reports;

/// <summary>The report as text for the console.</summary>
internal static class ConsoleReport
{
    public static void Write(ReportModel model, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(model.Title);
        output.WriteLine();
        output.WriteLine($"Open pipeline by stage ({model.Currency})");
        output.WriteLine($"  {"Stage",-16}{"Count",8}{"Amount",18}{"Weighted",18}");
        foreach (var s in model.Stages)
        {
            output.WriteLine(string.Create(c, $"  {s.Stage,-16}{s.Count,8:N0}{s.Amount,18:N2}{s.Weighted,18:N2}"));
        }

        output.WriteLine(string.Create(c, $"  {"Total",-16}{model.Stages.Sum(s => s.Count),8:N0}{model.Stages.Sum(s => s.Amount),18:N2}{model.Stages.Sum(s => s.Weighted),18:N2}"));
        var f = model.Forecast;
        output.WriteLine();
        output.WriteLine($"Forecast {f.Period} (deals expected to close then; seeded Monte Carlo, 10,000 trials)");
        output.WriteLine(string.Create(c, $"  expected {f.Expected:N2}   P10 {f.P10:N2}   P50 {f.P50:N2}   P90 {f.P90:N2}"));
        if (f.Target is { } target)
        {
            output.WriteLine(string.Create(c, $"  target {target:N2}   coverage {f.Coverage:0.00}×   P(reach target) {f.ProbabilityOfTarget:P1}"));
        }

        output.WriteLine();
        output.WriteLine("Partner scorecard (top five and bottom five by score; rates shrunk toward the network)");
        output.WriteLine($"  {"Partner",-8}{"Name",-22}{"Leads",6}{"Accept",8}{"Median accept",15}{"Convert",9}{"Score",7}");
        foreach (var r in model.Scorecard)
        {
            output.WriteLine(string.Create(c, $"  {r.PartnerId,-8}{r.Name,-22}{r.LeadsReceived,6}{Rate(r.AcceptanceRate),8}{r.MedianTimeToAccept,15}{Rate(r.Conversion),9}{r.Score,7:0.000}"));
        }

        output.WriteLine();
        foreach (var (key, value) in model.Statistics)
        {
            output.WriteLine($"  {key,-45}{value,10}");
        }
    }

    /// <summary>A scorecard rate as a whole percentage, or "no data" where the partner had no trials.</summary>
    public static string Rate(decimal? rate) => rate is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "no data";
}
