namespace Opportunity.Forecasting;

/// <summary>Which closed deals count for an open stage when probabilities are learned from stage history.</summary>
public enum StageCounting
{
    /// <summary>
    /// A deal counts for the open stages it entered, as a prediction is only ever made for a deal
    /// in a stage it is in. A stage no closed deal entered stays at its default. The default: it
    /// scored better on the time split (docs/forecasting.md).
    /// </summary>
    Entered = 0,

    /// <summary>
    /// Odoo's convention: a won deal counts for every open stage, a lost one for the open stages up
    /// to the furthest it reached (skipped stages included). More data per stage, but a stage that
    /// won deals skip looks like a sure win.
    /// </summary>
    Reached = 1,
}
