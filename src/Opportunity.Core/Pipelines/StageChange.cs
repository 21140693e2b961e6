using NodaTime;

namespace Opportunity.Pipelines;

/// <summary>One entry of an opportunity's stage history.</summary>
/// <param name="From">The previous stage; null for the stage it opened in.</param>
/// <param name="To">The new stage.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who moved it.</param>
public sealed record StageChange(string? From, string To, Instant At, string Actor);
