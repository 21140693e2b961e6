namespace Opportunity;

/// <summary>
/// Thrown when a well-formed three-letter code is neither an ISO 4217 currency nor one added with
/// <see cref="CurrencyRegistry.Register"/>. Importers and stores report it naming their line or field.
/// </summary>
public sealed class UnknownCurrencyException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="code"/>.</summary>
    public UnknownCurrencyException(string code, string? paramName = null)
        : base($"'{code}' is not an ISO 4217 currency code nor one registered with CurrencyRegistry.Register.", paramName)
    {
        Code = code;
    }

    /// <summary>The refused code.</summary>
    public string Code { get; }
}
