using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using PartnerPortal.Demo;

namespace PartnerPortal.Manufacturer;

/// <summary>The manufacturer's view: the whole network's open pipeline by stage, weighted, as exact decimal strings.</summary>
internal static class ManufacturerPipelineEndpoint
{
    /// <summary>
    /// Maps <c>GET pattern</c>. The demo leaves it open; a real application requires the
    /// manufacturer's role here (<c>.RequireAuthorization("manufacturer")</c>).
    /// </summary>
    public static RouteHandlerBuilder MapManufacturerPipeline(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapGet(pattern, async (IOpportunityStore store, PipelineCatalog pipelines, CancellationToken cancellationToken) =>
            {
                // The library's one definition of the weighted pipeline, the same numbers the forecast uses.
                var snapshot = await PipelineSnapshot.FromStoreAsync(store, AccessScope.Manufacturer(DemoNetwork.Tenant), new PipelineSnapshotOptions { Pipelines = pipelines }, cancellationToken);
                using var totals = snapshot.Group(PipelineDimension.Stage);
                return Results.Text(PipelineReportJson.ToJson(totals.ToReport(CurrencyCode.EUR)), "application/json");
            })
            .WithName("Manufacturer.Pipeline")
            .WithSummary("The open pipeline of every partner by stage: count, amount and weighted amount in EUR.");
}
