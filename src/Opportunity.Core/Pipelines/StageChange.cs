using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>One entry of an opportunity's stage history.</summary>
/// <param name="From">The previous stage; null for the stage it opened in.</param>
/// <param name="To">The new stage.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who moved it.</param>
/// <exception cref="InvalidTextException">The actor breaks the text rules.</exception>
public sealed record StageChange(string? From, string To, Instant At, string Actor)
{
    /// <summary>Who moved it.</summary>
    public string Actor { get; init => field = TextRules.Required(value, "StageChange.Actor"); } = TextRules.Required(Actor, "StageChange.Actor");
}
