using Opportunity.Forecasting;
using Opportunity.Pipelines;
using static Opportunity.Core.Tests.Forecasting.Hierarchy.HierarchyTestData;

namespace Opportunity.Core.Tests.Forecasting;

public sealed class CategoryOverridesTests
{
    [Fact]
    public void CategoryOverrides_RunsWithOverriddenRows_EachOverrideWithItsOwnCategory_EachRunWithItsFirstCategoryAndCurrency_Counted()
    {
        // P1's EUR rows are one run (one stage, one currency) whose first row is Commit: the Pipeline and BestCase
        // rows override it. P1's USD row and P2's closed row are runs of one row each.
        var snapshot = PipelineSnapshot.FromRows(
        [
            Row("P1", 10m, ForecastCategory.Commit, "EMEA"),
            Row("P1", 20m, ForecastCategory.Pipeline, "EMEA"),
            Row("P1", 30m, ForecastCategory.BestCase, "EMEA"),
            Row("P1", 40m, ForecastCategory.Commit, "EMEA", currency: CurrencyCode.USD),
            Row("P2", 50m, ForecastCategory.Closed, "APAC"),
        ]);
        var c = snapshot.Columns;
        var before = snapshot.ColumnBytes;

        var overrides = snapshot.CategoryOverrides;

        Assert.Equal(3, c.RunStart.Length - 1);
        Assert.Equal([.. Enumerable.Range(0, 3).Select(r => c.Category[c.RunStart[r]])], overrides.FirstCategoryOfRun);
        Assert.Equal([.. Enumerable.Range(0, 3).Select(r => c.Currency[c.RunStart[r]])], overrides.CurrencyOfRun);
        Assert.Equal(2, overrides.Rows.Length);
        Assert.Equal(
            new[] { (byte)ForecastCategory.BestCase, (byte)ForecastCategory.Pipeline }.Order().ToArray(),
            overrides.Category.Order().ToArray());
        Assert.Equal([.. overrides.Rows.Select(row => c.Category[row])], overrides.Category);
        Assert.All(overrides.RunCategory, category => Assert.Equal((byte)ForecastCategory.Commit, category));
        Assert.Equal([.. overrides.Rows.Select(row => c.Amount[row])], overrides.Amount);
        Assert.Equal([.. overrides.Rows.Select(row => c.Amount[row] * c.BasisPoints[row])], overrides.Weighted);
        Assert.Equal([.. overrides.Rows.Select(row => c.Currency[row])], overrides.Currency);
        Assert.Equal(before + (2 * (4 + 1 + 1 + 8 + 8 + 1)) + (2 * 3), snapshot.ColumnBytes);
    }
}
