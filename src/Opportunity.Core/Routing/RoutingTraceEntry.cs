using Opportunity.Partners;

namespace Opportunity.Routing;

/// <summary>One partner in one trace step: removed by a filter (with <see cref="Note"/> as the reason), scored by a scorer, or picked by the selector.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Value">The score (scorer steps) or total score (selector steps); 0 for filter steps.</param>
/// <param name="Note">Why a filter removed the partner; empty for scores.</param>
public readonly record struct RoutingTraceEntry(Partner Partner, double Value, RoutingNote Note);
