namespace Opportunity.Routing;

/// <summary>
/// The full path of one routing decision: for each rule in pipeline order, the candidates it saw
/// and left, the partners it removed (with reasons) or scored, and the pick. Messages are formatted
/// only when read.
/// </summary>
public sealed class RoutingTrace
{
    private readonly RoutingTraceStep[] _steps;

    internal RoutingTrace(RoutingTraceStep[] steps)
    {
        _steps = steps;
    }

    /// <summary>The steps: the source first, then filters, scorers and the selector.</summary>
    public IReadOnlyList<RoutingTraceStep> Steps => _steps;

    /// <summary>The step of a rule kind, or null when the rule set has none.</summary>
    public RoutingTraceStep? Find(string kind)
    {
        foreach (var step in _steps)
        {
            if (string.Equals(step.Kind, kind, StringComparison.Ordinal))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="partner"/> was removed, or null when no filter removed it.</summary>
    public string? WhyRemoved(PartnerId partner)
    {
        foreach (var step in _steps)
        {
            if (step.Role != RoutingStepRole.Filter)
            {
                continue;
            }

            foreach (var entry in step.Entries)
            {
                if (entry.Partner.Id == partner)
                {
                    return $"{step.Kind}: {entry.Note}";
                }
            }
        }

        return null;
    }
}
