using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Forecasting;

/// <summary>
/// A manager's override of one node's figure for one forecast category and period (Salesforce's
/// forecast adjustment): the node shows <see cref="Amount"/> instead of what its deals and children
/// add up to, and its ancestors add the adjusted figure instead. An adjustment with a null amount
/// removes the node's override. Adjustments are kept as a history: for each node, period and
/// category the one with the latest <see cref="At"/> is in effect.
/// </summary>
public sealed record ForecastAdjustment
{
    /// <summary>Creates an adjustment.</summary>
    /// <exception cref="InputValidationException">The node is blank, <paramref name="by"/> or <paramref name="reason"/> is blank, the category is undefined, or the amount is negative (<see cref="OpportunityErrorCodes.ValidationFailed"/>, naming the field).</exception>
    public ForecastAdjustment(string node, ForecastPeriod period, ForecastCategory category, Money? amount, string by, Instant at, string reason)
    {
        Node = string.IsNullOrWhiteSpace(node) ? throw Invalid(nameof(Node), "An adjustment names the node it adjusts.") : node;
        Category = Enum.IsDefined(category) ? category : throw Invalid(nameof(Category), $"Category {(int)category} is not a forecast category.");
        Amount = amount is { IsNegative: true } ? throw Invalid(nameof(Amount), $"An adjusted forecast cannot be negative, got {amount}.") : amount;
        By = string.IsNullOrWhiteSpace(by) ? throw Invalid(nameof(By), "An adjustment says who made it.") : by;
        Reason = string.IsNullOrWhiteSpace(reason) ? throw Invalid(nameof(Reason), "An adjustment says why it was made.") : reason;
        Period = period;
        At = at;
    }

    /// <summary>The adjusted node (<see cref="ForecastNodePath"/>).</summary>
    public string Node { get; }

    /// <summary>The period.</summary>
    public ForecastPeriod Period { get; }

    /// <summary>The forecast category adjusted.</summary>
    public ForecastCategory Category { get; }

    /// <summary>The node's figure for the category, in the reporting currency; null removes the override.</summary>
    public Money? Amount { get; }

    /// <summary>Who adjusted (e.g. the manager's e-mail).</summary>
    public string By { get; }

    /// <summary>When.</summary>
    public Instant At { get; }

    /// <summary>Why.</summary>
    public string Reason { get; }

    private static InputValidationException Invalid(string field, string message) =>
        new([new ValidationError($"{nameof(ForecastAdjustment)}.{field}", message)]);
}
