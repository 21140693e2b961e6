namespace Opportunity.Routing;

/// <summary>
/// One reason a filter removed candidates, in a <see cref="RoutingStepSummary"/>: how many partners
/// it removed for that reason (the same message template) and the first of them, with its message.
/// </summary>
/// <param name="Example">The first partner removed for this reason.</param>
/// <param name="Reason">The message for <paramref name="Example"/>, e.g. <c>does not sell 'heat-pumps'</c>.</param>
/// <param name="Count">Partners removed for this reason (1 or more).</param>
public readonly record struct RoutingRemovalSummary(PartnerId Example, string Reason, int Count);
