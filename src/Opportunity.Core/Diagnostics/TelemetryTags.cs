using System.Diagnostics;

namespace Opportunity.Diagnostics;

/// <summary>The tag names on spans and measurements (documented in docs/observability.md). No contact data ever goes here.</summary>
internal static class TelemetryTags
{
    public const string Tenant = "opportunity.tenant";
    public const string Lead = "opportunity.lead.id";
    public const string OpportunityId = "opportunity.opportunity.id";
    public const string Partner = "opportunity.partner.id";
    public const string Outcome = "opportunity.outcome";
    public const string Stage = "opportunity.stage";
    public const string RecordKind = "opportunity.record.kind";
    public const string DbSystem = "db.system.name";
    public const string DbOperation = "db.operation.name";

    /// <summary>Starts a workflow span tagged with the tenant and, when given, the lead.</summary>
    public static Activity? StartLeadSpan(string name, TenantId tenant, LeadId? lead = null)
    {
        var activity = OpportunityTelemetry.Source.StartActivity(name);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Tenant, tenant.Value);
            if (lead is { } id)
            {
                activity.SetTag(Lead, id.Value);
            }
        }

        return activity;
    }

    /// <summary>Marks the span failed with the exception's type (never its message, which may quote input).</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
