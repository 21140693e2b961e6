namespace Opportunity;

/// <summary>
/// Thrown when a business rule refuses an operation that is otherwise well-formed, for example
/// leaving a stage whose exit criteria are not met. <see cref="OpportunityException.ErrorCode"/>
/// names the rule (see <see cref="OpportunityErrorCodes"/>). HTTP: 422.
/// </summary>
public class DomainRuleException : OpportunityException
{
    /// <summary>Creates the exception for a rule.</summary>
    /// <param name="errorCode">The rule's code, e.g. <see cref="OpportunityErrorCodes.StageExitCriteriaNotMet"/>.</param>
    /// <param name="message">What the rule refused, in a sentence.</param>
    public DomainRuleException(string errorCode, string message)
        : base(errorCode, message)
    {
    }
}
