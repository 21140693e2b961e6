namespace Opportunity;

/// <summary>Thrown when amounts of different currencies are combined without conversion (<see cref="OpportunityErrorCodes.CurrencyMismatch"/>).</summary>
public sealed class CurrencyMismatchException : DomainRuleException
{
    /// <summary>Creates the exception for the two currencies involved.</summary>
    public CurrencyMismatchException(CurrencyCode left, CurrencyCode right)
        : base(OpportunityErrorCodes.CurrencyMismatch, $"Cannot combine {left.Code} and {right.Code} amounts; convert one of them first.")
    {
        Left = left;
        Right = right;
    }

    /// <summary>The currency of the left operand.</summary>
    public CurrencyCode Left { get; }

    /// <summary>The currency of the right operand.</summary>
    public CurrencyCode Right { get; }
}
