namespace Opportunity;

/// <summary>
/// Thrown when invalid input is used as if it were valid; carries every <see cref="ValidationError"/>
/// found (<see cref="OpportunityErrorCodes.ValidationFailed"/>; <see cref="OpportunityException.Field"/> is
/// the location when there is exactly one error).
/// </summary>
public sealed class InputValidationException : InvalidInputException
{
    /// <summary>Creates the exception from the errors found.</summary>
    public InputValidationException(IReadOnlyList<ValidationError> errors)
        : base(OpportunityErrorCodes.ValidationFailed, errors is [{ } single] ? single.Location : null, Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in input order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} problems: " + string.Join("; ", errors.Take(10)) + (errors.Count > 10 ? "; …" : string.Empty);
    }
}
