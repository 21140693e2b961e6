using Microsoft.Extensions.Logging;

namespace Opportunity.Diagnostics;

/// <summary>
/// The workflows' log messages (source-generated; event ids documented in docs/observability.md).
/// They name tenants, ids, partners and outcomes, never a customer's contact data or free text a
/// partner typed (a rejection reason may quote the customer).
/// </summary>
internal static partial class WorkflowLog
{
    [LoggerMessage(100, LogLevel.Information, "Lead {LeadId} captured in tenant {Tenant}; duplicate of {DuplicateOf}.")]
    public static partial void Captured(ILogger logger, string leadId, string tenant, string? duplicateOf);

    [LoggerMessage(101, LogLevel.Information, "Lead {LeadId} of tenant {Tenant} routed: {Outcome}, partners {Partners}.")]
    public static partial void Routed(ILogger logger, string leadId, string tenant, string outcome, string partners);

    [LoggerMessage(102, LogLevel.Warning, "Lead {LeadId} of tenant {Tenant} is unroutable and waits in the manufacturer's queue.")]
    public static partial void Unroutable(ILogger logger, string leadId, string tenant);

    [LoggerMessage(103, LogLevel.Information, "Lead {LeadId} of tenant {Tenant} accepted by partner {Partner}.")]
    public static partial void Accepted(ILogger logger, string leadId, string tenant, string partner);

    [LoggerMessage(104, LogLevel.Information, "Lead {LeadId} of tenant {Tenant} rejected by partner {Partner}.")]
    public static partial void Rejected(ILogger logger, string leadId, string tenant, string partner);

    [LoggerMessage(105, LogLevel.Information, "Lead {LeadId} of tenant {Tenant} converted by partner {Partner} into opportunity {OpportunityId}.")]
    public static partial void Converted(ILogger logger, string leadId, string tenant, string partner, string opportunityId);

    [LoggerMessage(106, LogLevel.Debug, "Lead {LeadId} of tenant {Tenant} qualified.")]
    public static partial void Qualified(ILogger logger, string leadId, string tenant);

    [LoggerMessage(107, LogLevel.Warning, "Partner performance of tenant {Tenant} not recomputed: no exchange rate from {From} to {To}. Routing keeps the last performance table (or none); add the rate to the IExchangeRateProvider.")]
    public static partial void PerformanceRateMissing(ILogger logger, string tenant, string from, string to);

    [LoggerMessage(200, LogLevel.Information, "Lead {LeadId} of tenant {Tenant}: escalation step {Step} ({Action}) fired.")]
    public static partial void Escalated(ILogger logger, string leadId, string tenant, int step, string action);

    [LoggerMessage(201, LogLevel.Information, "Due work run at {Now}: {Processed} processed, {Reminders} reminders, {Escalations} escalations, {Recalls} recalls ({Unroutable} unroutable), {FollowUps} follow-ups, {Conflicts} conflicts, {Failures} failures, {Quarantined} quarantined.")]
    public static partial void DueWorkSummary(ILogger logger, NodaTime.Instant now, int processed, int reminders, int escalations, int recalls, int unroutable, int followUps, int conflicts, int failures, int quarantined);

    [LoggerMessage(220, LogLevel.Warning, "Deal registration {LeadId} of tenant {Tenant} (partner {Partner}) was not decided by its approval deadline; escalated to the channel manager.")]
    public static partial void RegistrationApprovalOverdue(ILogger logger, string leadId, string tenant, string partner);

    [LoggerMessage(221, LogLevel.Information, "Deal registration {LeadId} of tenant {Tenant} expired: partner {Partner} neither converted nor extended it in time.")]
    public static partial void RegistrationExpired(ILogger logger, string leadId, string tenant, string partner);

    [LoggerMessage(202, LogLevel.Error, "Due work skipped {Kind} '{Id}' of tenant '{Tenant}': quarantined because it cannot be read ({Reason}). Repair the stored document and release it (IRecordQuarantine).")]
    public static partial void Quarantined(ILogger logger, string kind, string id, string tenant, string reason);

    [LoggerMessage(203, LogLevel.Debug, "Due work on {Kind} '{Id}' of tenant '{Tenant}' lost a race to another host.")]
    public static partial void DueWorkConflict(ILogger logger, Exception exception, string kind, string id, string tenant);

    [LoggerMessage(204, LogLevel.Error, "Due work on {Kind} '{Id}' of tenant '{Tenant}' failed; it stays due.")]
    public static partial void DueWorkFailed(ILogger logger, Exception exception, string kind, string id, string tenant);
}
