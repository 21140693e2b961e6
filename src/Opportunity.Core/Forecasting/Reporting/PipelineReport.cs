namespace Opportunity.Forecasting;

/// <summary>Grouped pipeline totals in one currency, ready to print or serialise (see <see cref="PipelineReportJson"/>).</summary>
/// <param name="Currency">The reporting currency.</param>
/// <param name="Grouping">How the lines are grouped.</param>
/// <param name="Groups">One line per group, in display order.</param>
/// <param name="Total">The total line, computed from the exact sums (not the sum of the rounded lines).</param>
public sealed record PipelineReport(CurrencyCode Currency, PipelineGrouping Grouping, IReadOnlyList<PipelineReportLine> Groups, PipelineReportLine Total);
