using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class RunsByMonthTests
{
    private static readonly Stage Proposal = PipelineDefinition.Default.GetStage("Proposal");

    [Fact]
    public void Build_LongRunInDescendingMonths_OrdersItByMonthStablyAndKeepsEachDealsLines()
    {
        // One partner, one stage, one currency: a single run of 40 deals, months falling, two deals per month.
        // Deal i has amount 1,000 + i (its input position); every fourth has two lines naming it.
        var rows = Enumerable.Range(0, 40).Select(i => new PipelineRow(new PartnerId("P1"), Money.FromMinorUnits(1_000 + i, CurrencyCode.EUR), Proposal.Name, Proposal.DefaultProbability, Proposal.ForecastCategory, new LocalDate(2026, 1, 15).PlusMonths(19 - (i / 2)))
        {
            Products = i % 4 == 0 ? [new ProductAmount($"first-{i}", 1_000), new ProductAmount($"second-{i}", i)] : null,
        }).ToList();

        var snapshot = PipelineSnapshot.FromRows(rows);

        var c = snapshot.Columns;
        var expected = rows.Select((r, i) => (Month: r.CloseDate, Input: i)).OrderBy(r => r.Month).ThenBy(r => r.Input).Select(r => 1_000L + r.Input).ToArray();
        Assert.Equal(expected, c.Amount);
        Assert.True(c.Month.Zip(c.Month.Skip(1)).All(pair => pair.First <= pair.Second), "months in order");
        using var byProduct = snapshot.Group(PipelineDimension.Product);
        foreach (var deal in rows.Select((r, i) => (Row: r, Index: i)).Where(d => d.Index % 4 == 0))
        {
            var group = Assert.Single(byProduct.Groups, g => g.First == $"second-{deal.Index}");
            Assert.Equal(deal.Index / 100m, group.Amount.Amount);
            Assert.Equal(1, group.Count);
        }

        Assert.Equal(rows.Sum(r => r.Amount.Amount), byProduct.Groups.Sum(g => g.Amount.Amount));
    }

    [Fact]
    public void Build_ShortRuns_KeepTheOrderTheyCameIn()
    {
        // Runs shorter than a block of sixteen rows stay as added: their months cannot fill a block of eight.
        var rows = Enumerable.Range(0, 15).Select(i => new PipelineRow(new PartnerId("P1"), Money.FromMinorUnits(1_000 + i, CurrencyCode.EUR), Proposal.Name, Proposal.DefaultProbability, Proposal.ForecastCategory, new LocalDate(2026, 12, 1).PlusMonths(-i))).ToList();

        var snapshot = PipelineSnapshot.FromRows(rows);

        Assert.Equal(rows.Select(r => r.Amount.MinorUnits), snapshot.Columns.Amount);
    }
}
