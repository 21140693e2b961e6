namespace Opportunity;

/// <summary>
/// Thrown when a well-formed three-letter code is neither an ISO 4217 currency nor one added with
/// <see cref="CurrencyRegistry.Register"/>. Importers and stores report it naming their line or field
/// (<see cref="OpportunityErrorCodes.UnknownCurrency"/>).
/// </summary>
public sealed class UnknownCurrencyException : InvalidInputException
{
    /// <summary>Creates the exception for <paramref name="code"/>.</summary>
    /// <param name="code">The refused code.</param>
    /// <param name="field">The field that carried it, when known.</param>
    public UnknownCurrencyException(string code, string? field = null)
        : base(OpportunityErrorCodes.UnknownCurrency, field, $"'{code}' is not an ISO 4217 currency code nor one registered with CurrencyRegistry.Register.")
    {
        Code = code;
    }

    /// <summary>The refused code.</summary>
    public string Code { get; }
}
