namespace PartnerPipeline.Reports;

/// <summary>Everything the console and HTML reports show, as plain numbers (already rounded for display).</summary>
internal sealed record ReportModel(
    string Title,
    string Currency,
    IReadOnlyList<StageRow> Stages,
    ForecastView Forecast,
    IReadOnlyList<ScorecardRow> Scorecard,
    IReadOnlyList<KeyValuePair<string, string>> Statistics);

/// <summary>One stage of the funnel.</summary>
internal sealed record StageRow(string Stage, int Count, decimal Amount, decimal Weighted);

/// <summary>The forecast of one period as a distribution.</summary>
internal sealed record ForecastView(
    string Period,
    decimal Expected,
    decimal P10,
    decimal P50,
    decimal P90,
    decimal? Target,
    decimal? Coverage,
    decimal? ProbabilityOfTarget,
    IReadOnlyList<HistogramBin> Histogram);

/// <summary>A bar of the forecast histogram: outcomes in [From, To).</summary>
internal sealed record HistogramBin(decimal From, decimal To, int Count);

/// <summary>One partner of the scorecard.</summary>
/// <remarks>A rate is null where the partner has no trials for it (no lead received, no lead accepted): the report shows "no data".</remarks>
internal sealed record ScorecardRow(string PartnerId, string Name, int LeadsReceived, decimal? AcceptanceRate, string MedianTimeToAccept, decimal? Conversion, decimal Score);
