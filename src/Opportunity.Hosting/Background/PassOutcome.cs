namespace Opportunity.Hosting;

/// <summary>What one pass of a background loop found; decides the pause before the next.</summary>
internal enum PassOutcome
{
    /// <summary>It did work: the next pass follows after the interval, the back-off is reset.</summary>
    Worked,

    /// <summary>Nothing was due: the pause grows towards the idle cap.</summary>
    Idle,

    /// <summary>It failed (logged by the pass): retried with the same growing pause.</summary>
    Failed,
}
