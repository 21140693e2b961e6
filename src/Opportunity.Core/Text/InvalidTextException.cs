namespace Opportunity;

/// <summary>
/// Thrown when an identifier or a text field breaks the text rules (see <c>docs/concepts.md</c>,
/// "Text and identifiers"): <see cref="Field"/> names the field, <see cref="Violation"/> the rule and
/// <see cref="Index"/> the offending character. Every model constructor and factory checks its text,
/// so no store ever receives text it could not keep byte-exact (<see cref="OpportunityErrorCodes.InvalidText"/>).
/// </summary>
public sealed class InvalidTextException : InvalidInputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field, e.g. <c>LeadId</c> or <c>LeadDetails.Company</c>.</param>
    /// <param name="violation">The rule broken.</param>
    /// <param name="index">The UTF-16 index of the offending character, when there is one.</param>
    /// <param name="message">What is wrong, in a sentence.</param>
    public InvalidTextException(string field, TextViolation violation, int? index, string message)
        : base(OpportunityErrorCodes.InvalidText, field, message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        Violation = violation;
        Index = index;
    }

    /// <summary>The field whose text was refused, e.g. <c>LeadId</c> or <c>LeadDetails.Company</c>.</summary>
    public override string Field => base.Field!;

    /// <summary>The rule broken.</summary>
    public TextViolation Violation { get; }

    /// <summary>The UTF-16 index of the offending character, or null for <see cref="TextViolation.Empty"/> and <see cref="TextViolation.TooLong"/>.</summary>
    public int? Index { get; }
}
