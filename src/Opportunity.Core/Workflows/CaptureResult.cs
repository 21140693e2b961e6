using Opportunity.Leads;

namespace Opportunity.Workflows;

/// <summary>The outcome of capturing a lead or registering a deal.</summary>
/// <param name="Lead">The lead as saved.</param>
/// <param name="Duplicate">The open lead or opportunity it duplicates, if any.</param>
public sealed record CaptureResult(Lead Lead, LeadDuplicateLink? Duplicate)
{
    /// <summary>
    /// True for a deal registration that collides with a deal another partner already works
    /// (approval then needs <c>overrideConflict</c>).
    /// </summary>
    public bool IsChannelConflict => Lead.RegisteredBy is { } registrant && Duplicate?.WorkingPartner is { } working && working != registrant;
}
