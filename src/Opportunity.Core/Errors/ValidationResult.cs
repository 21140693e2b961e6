namespace Opportunity;

/// <summary>
/// The outcome of validating or parsing input that is expected to be wrong sometimes (rule
/// documents, imports, pipeline definitions): either a value or a list of errors, never both.
/// </summary>
/// <typeparam name="T">The validated value's type.</typeparam>
public sealed class ValidationResult<T>
{
    private readonly T? _value;

    private ValidationResult(T? value, IReadOnlyList<ValidationError> errors)
    {
        _value = value;
        Errors = errors;
    }

    /// <summary>True when there are no errors and <see cref="Value"/> is available.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>The problems found; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>The value.</summary>
    /// <exception cref="InputValidationException">The result has errors.</exception>
    public T Value => IsValid ? _value! : throw new InputValidationException(Errors);

    /// <summary>A valid result.</summary>
    public static ValidationResult<T> Success(T value) => new(value, []);

    /// <summary>A failed result; at least one error.</summary>
    /// <exception cref="ArgumentException">No errors given.</exception>
    public static ValidationResult<T> Failure(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failure needs at least one error.", nameof(errors));
        }

        return new ValidationResult<T>(default, errors);
    }
}
