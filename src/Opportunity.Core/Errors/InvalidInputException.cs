namespace Opportunity;

/// <summary>
/// The input is malformed or names something that cannot exist (an id with forbidden characters, an
/// unknown currency or stage, a missing amount); <see cref="OpportunityException.Field"/> names the field.
/// Fix the input and retry. HTTP: 400.
/// </summary>
public class InvalidInputException : OpportunityException
{
    /// <summary>Creates the exception for one field.</summary>
    public InvalidInputException(string errorCode, string? field, string message, Exception? innerException = null)
        : base(errorCode, message, field, innerException)
    {
    }
}
