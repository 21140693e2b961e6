using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>Code → label tables of a snapshot, in display order (code order is display order).</summary>
internal sealed record PipelineDictionaries(
    PartnerId[] Partners,
    string[] Stages,
    StageKind[] StageKinds,
    CurrencyCode[] Currencies,
    string?[] Regions,
    string?[] ProductLines,
    FiscalCalendar FiscalCalendar)
{
    public const string NoneLabel = "(none)";

    /// <summary>The products of the line items, code 0 <c>(none)</c> (deals without lines), then by ordinal name.</summary>
    public string?[] Products { get; init; } = [null];

    /// <summary>The label of an absolute dimension code (months: year × 12 + month − 1; quarters: fiscal year × 4 + quarter − 1; fiscal years: the year).</summary>
    public string Label(PipelineDimension dimension, int code) => dimension switch
    {
        PipelineDimension.Partner => Partners[code].Value,
        PipelineDimension.Stage => Stages[code],
        PipelineDimension.ForecastCategory => ((ForecastCategory)code).ToString(),
        PipelineDimension.Region => Regions[code] ?? NoneLabel,
        PipelineDimension.ProductLine => ProductLines[code] ?? NoneLabel,
        PipelineDimension.CloseMonth => FiscalCalendar.PeriodOfMonth(code, PeriodKind.Month).Label,
        PipelineDimension.CloseQuarter => FiscalCalendar.Quarter((int)Math.Floor(code / 4.0), (((code % 4) + 4) % 4) + 1).Label,
        PipelineDimension.CloseFiscalYear => FiscalCalendar.Year(code).Label,
        PipelineDimension.Product => Products[code] ?? NoneLabel,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown dimension."),
    };
}
