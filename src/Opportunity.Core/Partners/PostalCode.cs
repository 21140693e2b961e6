namespace Opportunity.Partners;

/// <summary>Postal-code normalisation shared by territories and routing: upper case, letters and digits only.</summary>
public static class PostalCode
{
    /// <summary>Upper-cases and drops everything but ASCII letters and digits ("sw1a 1aa" → "SW1A1AA").</summary>
    public static string Normalise(string postalCode)
    {
        ArgumentNullException.ThrowIfNull(postalCode);
        return string.Create(postalCode.Count(char.IsAsciiLetterOrDigit), postalCode, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
            {
                if (char.IsAsciiLetterOrDigit(c))
                {
                    span[i++] = char.ToUpperInvariant(c);
                }
            }
        });
    }
}
