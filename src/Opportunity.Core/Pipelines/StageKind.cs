namespace Opportunity.Pipelines;

/// <summary>Whether a stage is still being worked or is a final outcome.</summary>
public enum StageKind
{
    /// <summary>Still being worked.</summary>
    Open = 0,

    /// <summary>Closed and won.</summary>
    Won = 1,

    /// <summary>Closed and lost.</summary>
    Lost = 2,
}
