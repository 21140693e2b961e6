using System.Text.Json;
using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class PipelineReportJsonTests
{
    [Fact]
    public void ToJson_GroupedTotals_HasTheDocumentedShapeWithExactDecimalStrings()
    {
        var close = new LocalDate(2025, 2, 1);
        var rows = new[]
        {
            new PipelineRow(new PartnerId("P1"), new Money(1000m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, close),
            new PipelineRow(new PartnerId("P2"), new Money(0.05m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, close),
        };
        var report = PipelineSnapshot.FromRows(rows).Group(PipelineDimension.Partner).ToReport(CurrencyCode.EUR);

        var json = PipelineReportJson.ToJson(report);

        Assert.Equal(
            """{"currency":"EUR","groups":[{"key":"P1","count":1,"amount":"1000.00","weighted":"500.00"},{"key":"P2","count":1,"amount":"0.05","weighted":"0.02"}],"total":{"count":2,"amount":"1000.05","weighted":"500.02"}}""",
            json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.String, document.RootElement.GetProperty("total").GetProperty("weighted").ValueKind);
    }

    [Fact]
    public void ToJson_PairKeysAndNonAsciiLabels_AreReadable()
    {
        var row = new PipelineRow(new PartnerId("P1"), new Money(1m, CurrencyCode.EUR), "Proposal", Probability.FromPercent(50), ForecastCategory.BestCase, new LocalDate(2025, 2, 1)) { Region = "München" };
        var report = PipelineSnapshot.FromRows([row]).Group(PipelineDimension.Region, PipelineDimension.Stage).ToReport(CurrencyCode.EUR);

        Assert.Contains("\"key\":\"München / Proposal\"", PipelineReportJson.ToJson(report), StringComparison.Ordinal);
    }
}
