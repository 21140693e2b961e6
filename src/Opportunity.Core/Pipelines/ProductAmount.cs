namespace Opportunity.Pipelines;

/// <summary>
/// A deal's amount for one product: the sum of its lines of that product, in minor units of the
/// deal's currency. The product amounts of a deal (<see cref="Of"/>) add up exactly to its amount,
/// which is what makes the pipeline grouping by product exact (<c>PipelineDimension.Product</c>).
/// </summary>
/// <param name="Product">The product (trimmed, as on the line).</param>
/// <param name="AmountMinorUnits">The sum of the lines' amounts of that product, in minor units (not negative).</param>
public readonly record struct ProductAmount(string Product, long AmountMinorUnits)
{
    /// <summary>
    /// The product amounts of an opportunity, one per product in the order its first line appears;
    /// empty when the deal has no lines (it then counts under the product <c>(none)</c>). The one
    /// definition used by the snapshot, the stores' line tables and <c>PipelineCredits.ByProduct</c>.
    /// </summary>
    public static IReadOnlyList<ProductAmount> Of(SalesOpportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return OfLines(opportunity.Lines);
    }

    /// <summary>The product amounts of <paramref name="lines"/> (see <see cref="Of(SalesOpportunity)"/>).</summary>
    internal static IReadOnlyList<ProductAmount> OfLines(IReadOnlyList<OpportunityLine>? lines)
    {
        if (lines is null || lines.Count == 0)
        {
            return [];
        }

        var amounts = new List<ProductAmount>(lines.Count);
        foreach (var line in lines)
        {
            var i = amounts.FindIndex(a => string.Equals(a.Product, line.Product, StringComparison.Ordinal));
            if (i < 0)
            {
                amounts.Add(new ProductAmount(line.Product, line.Amount.MinorUnits));
            }
            else
            {
                amounts[i] = amounts[i] with { AmountMinorUnits = amounts[i].AmountMinorUnits + line.Amount.MinorUnits };
            }
        }

        return amounts;
    }
}
