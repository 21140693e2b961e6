using Opportunity.Pipelines;

namespace Opportunity.Import;

/// <summary>An opportunity read from a CSV line.</summary>
/// <param name="Line">The line its record starts on.</param>
/// <param name="Opportunity">The new aggregate (not yet saved).</param>
public sealed record ImportedOpportunity(int Line, SalesOpportunity Opportunity);
