namespace Opportunity.Docs.Tests;

/// <summary>
/// The names a documentation snippet may use without declaring them: what the surrounding app
/// already has (<c>services</c>, <c>builder</c>, a <c>tenant</c>, a <c>store</c>, …). docs/README.md
/// lists them for readers. Only names a snippet really uses are declared, so a snippet that
/// declares one itself is not disturbed; every type and namespace must still come from the
/// snippet's own <c>using</c>s.
/// </summary>
internal static class DocContext
{
    /// <summary>Name → fully qualified type of the ambient variables.</summary>
    public static readonly IReadOnlyDictionary<string, string> Variables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The app around a snippet.
        ["builder"] = "global::Microsoft.AspNetCore.Builder.WebApplicationBuilder",
        ["app"] = "global::Microsoft.AspNetCore.Builder.WebApplication",
        ["services"] = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection",
        ["provider"] = "global::System.IServiceProvider",
        ["configuration"] = "global::Microsoft.Extensions.Configuration.IConfiguration",
        ["clock"] = "global::NodaTime.IClock",
        ["now"] = "global::NodaTime.Instant",
        ["today"] = "global::NodaTime.LocalDate",
        ["cancellationToken"] = "global::System.Threading.CancellationToken",

        // The library's services, as resolved from the provider.
        ["tenant"] = "global::Opportunity.TenantId",
        ["store"] = "global::Opportunity.Persistence.InMemory.InMemoryStore",
        ["leadStore"] = "global::Opportunity.Persistence.ILeadStore",
        ["opportunityStore"] = "global::Opportunity.Persistence.IOpportunityStore",
        ["partnerDirectory"] = "global::Opportunity.Persistence.IPartnerDirectory",
        ["intake"] = "global::Opportunity.Workflows.LeadIntakeService",
        ["partnerLeads"] = "global::Opportunity.Workflows.PartnerLeadService",
        ["registrations"] = "global::Opportunity.Workflows.DealRegistrationService",
        ["router"] = "global::Opportunity.Workflows.LeadRouter",
        ["recycling"] = "global::Opportunity.Workflows.LeadRecyclingService",
        ["dispatcher"] = "global::Opportunity.Notifications.NotificationDispatcher",
        ["pipelines"] = "global::Opportunity.Pipelines.PipelineCatalog",

        // Data a snippet works on.
        ["lead"] = "global::Opportunity.Leads.Lead",
        ["leadId"] = "global::Opportunity.LeadId",
        ["details"] = "global::Opportunity.Leads.LeadDetails",
        ["partnerId"] = "global::Opportunity.PartnerId",
        ["partners"] = "global::System.Collections.Generic.IReadOnlyList<global::Opportunity.Partners.Partner>",
        ["network"] = "global::Opportunity.Routing.RoutingNetwork",
        ["rates"] = "global::Opportunity.Forecasting.IExchangeRateProvider",
        ["rows"] = "global::System.Collections.Generic.IEnumerable<global::Opportunity.Forecasting.PipelineRow>",
        ["json"] = "string",
        ["path"] = "string",
        ["secret"] = "string",
    };
}
