namespace Opportunity;

/// <summary>
/// Thrown when a business rule refuses an operation that is otherwise well-formed, for example
/// leaving a stage whose exit criteria are not met. <see cref="Rule"/> names the rule.
/// </summary>
public sealed class DomainRuleException : InvalidOperationException
{
    /// <summary>Creates the exception for a named rule.</summary>
    public DomainRuleException(string rule, string message)
        : base(message)
    {
        Rule = rule;
    }

    /// <summary>A short stable name of the rule that was violated, e.g. <c>StageExitCriteria</c>.</summary>
    public string Rule { get; }
}
