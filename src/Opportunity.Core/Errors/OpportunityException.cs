namespace Opportunity;

/// <summary>
/// The base of every error the library raises for a domain reason, so a caller can catch one type.
/// <see cref="ErrorCode"/> is one of the stable <see cref="OpportunityErrorCodes"/>; the category
/// is the type: <see cref="InvalidInputException"/>, <see cref="EntityNotFoundException"/>,
/// <see cref="AccessDeniedException"/>, <see cref="ConflictException"/> and
/// <see cref="DomainRuleException"/>. Errors of none of these (<see cref="Persistence.StoreDataException"/>,
/// <see cref="AggregateOverflowException"/>) are faults of the server, not of the request.
/// </summary>
public abstract class OpportunityException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">One of <see cref="OpportunityErrorCodes"/> (or a code of your own for your own errors).</param>
    /// <param name="message">What went wrong, in a sentence.</param>
    /// <param name="field">The offending input field, when there is one.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    protected OpportunityException(string errorCode, string message, string? field = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        ErrorCode = errorCode;
        Field = field;
    }

    /// <summary>The stable, documented code of this error, e.g. <c>lead_not_found</c> (see <see cref="OpportunityErrorCodes"/>).</summary>
    public string ErrorCode { get; }

    /// <summary>The input field the error is about, e.g. <c>LeadId</c> or <c>amount</c>, or null.</summary>
    public virtual string? Field { get; }
}
