namespace Opportunity;

/// <summary>Thrown when amounts of different currencies are combined without conversion.</summary>
public sealed class CurrencyMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for the two currencies involved.</summary>
    public CurrencyMismatchException(CurrencyCode left, CurrencyCode right)
        : base($"Cannot combine {left.Code} and {right.Code} amounts; convert one of them first.")
    {
        Left = left;
        Right = right;
    }

    /// <summary>The currency of the left operand.</summary>
    public CurrencyCode Left { get; }

    /// <summary>The currency of the right operand.</summary>
    public CurrencyCode Right { get; }
}
