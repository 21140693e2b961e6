using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Opportunity.AspNetCore.PartnerPortal;

namespace Opportunity;

/// <summary>Maps the partner portal's HTTP endpoints.</summary>
public static class PartnerPortalEndpointRouteBuilderExtensions
{
    /// <summary>The tag of every portal endpoint in the OpenAPI description.</summary>
    public const string OpenApiTag = "Partner portal";

    /// <summary>
    /// Maps the endpoints a partner uses under <paramref name="pattern"/>: <c>GET leads</c> (offered,
    /// assigned and accepted leads, redacted before acceptance by the lead privacy policy),
    /// <c>GET leads/{id}</c>, <c>POST leads/{id}/accept</c>, <c>POST leads/{id}/reject</c> (with a
    /// reason), <c>POST leads/{id}/convert</c>, <c>GET opportunities</c>, <c>GET opportunities/{id}</c>,
    /// <c>PATCH opportunities/{id}</c> (stage, amount, expected close, next step),
    /// <c>POST opportunities/{id}/notes</c>, <c>POST leads/{id}/activities</c> and
    /// <c>POST opportunities/{id}/activities</c> (a call, meeting, e-mail, note, task or next step), and
    /// <c>POST leads/{id}/activities/{number}/complete</c> and <c>POST opportunities/{id}/activities/{number}/complete</c> (a task's outcome). Callers must be authenticated (else 401) and carry the
    /// partner-id claim, and the tenant claim unless a fixed tenant is configured (else 403); a
    /// partner reaches only its own leads and deals. Needs <c>AddAuthorization</c>, the workflows
    /// (<c>AddLeadDistribution</c>) and an exception handler for the library's errors.
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="pattern">The route prefix. Default <c>/partner-portal</c>.</param>
    /// <param name="options">Which claims identify the partner and tenant; null takes the defaults.</param>
    /// <returns>The group, to add e.g. <c>RequireAuthorization("policy")</c>, rate limiting or CORS.</returns>
    /// <exception cref="ArgumentException">An option is invalid (named in the message).</exception>
    public static RouteGroupBuilder MapPartnerPortal(this IEndpointRouteBuilder endpoints, string pattern = "/partner-portal", PartnerPortalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        options ??= new PartnerPortalOptions();
        options.Validate();

        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(options.PartnerClaimType);
        if (options.Tenant is null)
        {
            policy.RequireClaim(options.TenantClaimType);
        }

        var group = endpoints.MapGroup(pattern).RequireAuthorization(policy.Build()).WithTags(OpenApiTag);
        var handlers = new PartnerPortalEndpoints(Snapshot(options));

        group.MapGet("/leads", handlers.ListLeads)
            .WithName("PartnerPortal.ListLeads")
            .WithSummary("The leads offered or assigned to the calling partner, and those it accepted; contact data hidden until accepted.");
        group.MapGet("/leads/{id}", handlers.GetLead)
            .WithName("PartnerPortal.GetLead")
            .WithSummary("One lead as the calling partner may see it; 404 when it may not see it at all.");
        group.MapPost("/leads/{id}/accept", handlers.AcceptLead)
            .WithName("PartnerPortal.AcceptLead")
            .WithSummary("Accepts an offered or assigned lead; returns it complete.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/leads/{id}/reject", handlers.RejectLead)
            .WithName("PartnerPortal.RejectLead")
            .WithSummary("Gives a lead back with a reason; it is routed to another partner.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/leads/{id}/convert", handlers.ConvertLead)
            .WithName("PartnerPortal.ConvertLead")
            .WithSummary("Opens a sales opportunity from an accepted lead (exactly once per lead).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/opportunities", handlers.ListOpportunities)
            .WithName("PartnerPortal.ListOpportunities")
            .WithSummary("The calling partner's sales opportunities, open and closed.");
        group.MapGet("/opportunities/{id}", handlers.GetOpportunity)
            .WithName("PartnerPortal.GetOpportunity")
            .WithSummary("One of the calling partner's sales opportunities.");
        group.MapPatch("/opportunities/{id}", handlers.UpdateOpportunity)
            .WithName("PartnerPortal.UpdateOpportunity")
            .WithSummary("Moves an opportunity to another open stage, changes its amount, expected close date or next step.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/opportunities/{id}/notes", handlers.AddNote)
            .WithName("PartnerPortal.AddNote")
            .WithSummary("Records activity on an opportunity (restarts the follow-up clock).");
        group.MapPost("/leads/{id}/activities", handlers.RecordLeadActivity)
            .WithName("PartnerPortal.RecordLeadActivity")
            .WithSummary("Records a call, meeting, e-mail, note, task or next step on an accepted lead (restarts the follow-up clock).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/leads/{id}/activities/{number:int}/complete", handlers.CompleteLeadTask)
            .WithName("PartnerPortal.CompleteLeadTask")
            .WithSummary("Completes a task on an accepted lead with its outcome.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/opportunities/{id}/activities", handlers.RecordOpportunityActivity)
            .WithName("PartnerPortal.RecordOpportunityActivity")
            .WithSummary("Records a call, meeting, e-mail, note, task or next step on an open opportunity (restarts the follow-up clock).")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/opportunities/{id}/activities/{number:int}/complete", handlers.CompleteOpportunityTask)
            .WithName("PartnerPortal.CompleteOpportunityTask")
            .WithSummary("Completes a task on an open opportunity with its outcome.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    // The portal reads the options it was mapped with, not a caller's later changes to the object.
    private static PartnerPortalOptions Snapshot(PartnerPortalOptions options) => new()
    {
        PartnerClaimType = options.PartnerClaimType,
        TenantClaimType = options.TenantClaimType,
        Tenant = options.Tenant,
    };
}
