namespace Opportunity;

/// <summary>
/// The operation lost a race or collides with what is stored: a stale version
/// (<see cref="ConcurrencyException"/>), a lead another partner accepted first, a lead already
/// converted, a partner at capacity. Nothing was written. <see cref="Winner"/> names the partner
/// that holds the lead or deal, when there is one. HTTP: 409.
/// </summary>
public class ConflictException : OpportunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">E.g. <see cref="OpportunityErrorCodes.LeadAlreadyAccepted"/>.</param>
    /// <param name="message">What collided, in a sentence.</param>
    /// <param name="winner">The partner that holds the lead or deal, when there is one.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    public ConflictException(string errorCode, string message, PartnerId? winner = null, Exception? innerException = null)
        : base(errorCode, message, innerException: innerException)
    {
        Winner = winner;
    }

    /// <summary>
    /// The partner that holds the lead or deal (accepted it first, was given it, owns its
    /// opportunity), or null. Server-side information: whether a partner may learn another
    /// partner's name is the application's decision.
    /// </summary>
    public PartnerId? Winner { get; }
}
