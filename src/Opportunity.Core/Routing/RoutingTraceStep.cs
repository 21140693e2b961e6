namespace Opportunity.Routing;

/// <summary>One step of a routing trace: a rule, how many candidates it saw and left, and what it did to each.</summary>
public readonly record struct RoutingTraceStep
{
    internal RoutingTraceStep(RoutingStepRole role, string kind, string description, double weight, int before, int after, ArraySegment<RoutingTraceEntry> entries, RoutingNote note)
    {
        Role = role;
        Kind = kind;
        Description = description;
        Weight = weight;
        CandidatesBefore = before;
        CandidatesAfter = after;
        Entries = entries;
        Note = note;
    }

    /// <summary>Source, filter, scorer or selector.</summary>
    public RoutingStepRole Role { get; }

    /// <summary>The rule kind, e.g. <c>capacity</c>; <c>network</c> for a source step without an index rule.</summary>
    public string Kind { get; }

    /// <summary>The rule with its parameters.</summary>
    public string Description { get; }

    /// <summary>The scorer's weight; 0 for other steps.</summary>
    public double Weight { get; }

    /// <summary>Candidates entering the step (for the source step: partners in the network).</summary>
    public int CandidatesBefore { get; }

    /// <summary>Candidates leaving the step (for the selector: partners picked).</summary>
    public int CandidatesAfter { get; }

    /// <summary>Removed partners with reasons (filters), scores (scorers), or picks (selector).</summary>
    public ArraySegment<RoutingTraceEntry> Entries { get; }

    /// <summary>What the step says as a whole, e.g. the radius reached or how the pick was made.</summary>
    public RoutingNote Note { get; }
}
