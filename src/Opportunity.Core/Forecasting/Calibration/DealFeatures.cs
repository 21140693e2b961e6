namespace Opportunity.Forecasting;

/// <summary>The deal features <see cref="FeatureProbabilities"/> can learn from, combinable as flags.</summary>
[Flags]
public enum DealFeatures
{
    /// <summary>No feature: the model is the stage model.</summary>
    None = 0,

    /// <summary>The partner working the deal.</summary>
    Partner = 1,

    /// <summary>The product line.</summary>
    ProductLine = 2,

    /// <summary>The region.</summary>
    Region = 4,

    /// <summary>The deal size band: the amount's quantile among the training deals of its currency.</summary>
    SizeBand = 8,

    /// <summary>Days in the stage, banded: under 7, 7–29, 30–89, 90 and more.</summary>
    DaysInStage = 16,

    /// <summary>The month of its fiscal quarter (1st, 2nd or 3rd) the deal is expected to close in.</summary>
    CloseMonthOfQuarter = 32,

    /// <summary>Where the lead came from (<see cref="OpportunityHistory.LeadSource"/>).</summary>
    LeadSource = 64,

    /// <summary>Every feature.</summary>
    All = Partner | ProductLine | Region | SizeBand | DaysInStage | CloseMonthOfQuarter | LeadSource,
}
