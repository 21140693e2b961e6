namespace Opportunity.Pipelines;

/// <summary>
/// One line item of an opportunity: a product, a quantity, a unit price and a discount. When an
/// opportunity has lines its amount is the sum of their <see cref="Amount"/>s (see
/// <see cref="SalesOpportunity.SetLines"/>).
/// </summary>
public sealed record OpportunityLine
{
    /// <summary>Creates a line.</summary>
    /// <param name="product">The product (a SKU or name; grouped by it in the pipeline).</param>
    /// <param name="quantity">How many; positive, at most 6 decimals.</param>
    /// <param name="unitPrice">The list price of one unit; not negative.</param>
    /// <param name="discountPercent">The discount in percent, 0 to 100, at most 2 decimals.</param>
    /// <exception cref="InvalidTextException">The product is empty or not valid text.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Quantity, unit price or discount out of range (names the parameter).</exception>
    public OpportunityLine(string product, decimal quantity, Money unitPrice, decimal discountPercent = 0m)
    {
        if (quantity <= 0m || quantity.Scale > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "A line's quantity is positive with at most 6 decimals.");
        }

        if (unitPrice.IsNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(unitPrice), unitPrice, "A line's unit price must not be negative.");
        }

        if (discountPercent is < 0m or > 100m || decimal.Round(discountPercent, 2) != discountPercent)
        {
            throw new ArgumentOutOfRangeException(nameof(discountPercent), discountPercent, "A line's discount is 0 to 100 percent with at most 2 decimals.");
        }

        Product = TextRules.Required(product, "OpportunityLine.Product");
        Quantity = quantity;
        UnitPrice = unitPrice;
        DiscountPercent = discountPercent;
    }

    /// <summary>The product.</summary>
    public string Product { get; }

    /// <summary>How many units.</summary>
    public decimal Quantity { get; }

    /// <summary>The price of one unit, in the deal's currency.</summary>
    public Money UnitPrice { get; }

    /// <summary>The discount in percent (0 to 100).</summary>
    public decimal DiscountPercent { get; }

    /// <summary>
    /// quantity × unit price × (100 − discount) ÷ 100, rounded once, half to even, to the
    /// currency's minor unit: the line's share of the deal amount.
    /// </summary>
    /// <exception cref="OverflowException">The product exceeds the decimal range.</exception>
    public Money Amount => new(decimal.Round(Quantity * UnitPrice.Amount * (100m - DiscountPercent) / 100m, UnitPrice.Currency.MinorUnitDigits, MidpointRounding.ToEven), UnitPrice.Currency);
}
