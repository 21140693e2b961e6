using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;
using Opportunity.Workflows;

namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>
/// The handlers behind <see cref="PartnerPortalEndpointRouteBuilderExtensions.MapPartnerPortal(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, PartnerPortalOptions?)"/>.
/// They translate HTTP to the workflows and nothing more: leads are read only through
/// <see cref="PartnerLeadService.FindForPartnerAsync"/>/<see cref="PartnerLeadService.ListForPartnerAsync"/>
/// (the model redacts), and the library's exceptions propagate to the application's exception handler.
/// </summary>
internal sealed class PartnerPortalEndpoints(PartnerPortalOptions options)
{
    public async Task<Ok<List<PortalLead>>> ListLeads(ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        var caller = Caller(user);
        var result = new List<PortalLead>();
        await foreach (var view in leads.ListForPartnerAsync(caller.Tenant, caller.Partner, cancellationToken).ConfigureAwait(false))
        {
            result.Add(PortalLead.From(view));
        }

        return TypedResults.Ok(result);
    }

    public async Task<Results<Ok<PortalLead>, NotFound>> GetLead(string id, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        var caller = Caller(user);
        var view = await leads.FindForPartnerAsync(caller.Tenant, caller.Partner, new LeadId(id), cancellationToken).ConfigureAwait(false);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(PortalLead.From(view));
    }

    public async Task<Ok<PortalLead>> AcceptLead(string id, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        var caller = Caller(user);
        var view = await leads.AcceptAsync(caller.Tenant, caller.Partner, new LeadId(id), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(PortalLead.From(view));
    }

    public async Task<Results<NoContent, ValidationProblem>> RejectLead(string id, RejectLeadRequest request, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Invalid("reason", "A rejection needs a reason.");
        }

        var caller = Caller(user);
        await leads.RejectAsync(caller.Tenant, caller.Partner, new LeadId(id), request.Reason, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public async Task<Results<Ok<PortalOpportunity>, ValidationProblem>> ConvertLead(string id, ConvertLeadRequest request, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        if (request.ExpectedClose is not { } expectedClose)
        {
            return Invalid("expectedClose", "A deal needs an expected close date (ISO 8601, e.g. 2027-03-31).");
        }

        var caller = Caller(user);
        var leadId = new LeadId(id);
        Money? amount = null;
        if (request.Amount is not null)
        {
            if (Parse(request.Amount, out var problem) is not { } parsed)
            {
                return problem!;
            }

            amount = parsed;
        }

        // Lead and opportunity ids are different types, so the deal may carry its lead's id: traceable, and stable under retries.
        var opportunityId = new OpportunityId(request.OpportunityId ?? id);
        var opportunity = await leads.ConvertAsync(caller.Tenant, caller.Partner, leadId, opportunityId, LocalDate.FromDateOnly(expectedClose), amount, cancellationToken: cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(PortalOpportunity.From(opportunity));
    }

    public async Task<Ok<List<PortalOpportunity>>> ListOpportunities(ClaimsPrincipal user, IOpportunityStore opportunities, CancellationToken cancellationToken)
    {
        var caller = Caller(user);
        var result = new List<PortalOpportunity>();
        await foreach (var opportunity in opportunities.QueryAsync(caller.Scope, OpportunityQuery.All, cancellationToken).ConfigureAwait(false))
        {
            result.Add(PortalOpportunity.From(opportunity));
        }

        return TypedResults.Ok(result);
    }

    public async Task<Results<Ok<PortalOpportunity>, NotFound>> GetOpportunity(string id, ClaimsPrincipal user, IOpportunityStore opportunities, CancellationToken cancellationToken)
    {
        var opportunity = await opportunities.FindAsync(Caller(user).Scope, new OpportunityId(id), cancellationToken).ConfigureAwait(false);
        return opportunity is null ? TypedResults.NotFound() : TypedResults.Ok(PortalOpportunity.From(opportunity));
    }

    public async Task<Results<Ok<PortalOpportunity>, NotFound, ValidationProblem>> UpdateOpportunity(
        string id, UpdateOpportunityRequest request, ClaimsPrincipal user, PartnerOpportunityService deals, CancellationToken cancellationToken)
    {
        Money? amount = null;
        if (request.Amount is not null)
        {
            if (Parse(request.Amount, out var problem) is not { } parsed)
            {
                return problem!;
            }

            amount = parsed;
        }

        var update = new PartnerOpportunityUpdate
        {
            Stage = request.Stage,
            Amount = amount,
            ExpectedClose = request.ExpectedClose is { } close ? LocalDate.FromDateOnly(close) : null,
            NextStep = request.NextStep,
            NextStepDueAt = request.NextStepDue is { } due ? Instant.FromDateTimeOffset(due) : null,
            ExpectedVersion = request.Version,
        };
        var caller = Caller(user);
        try
        {
            var opportunity = await deals.UpdateAsync(caller.Tenant, caller.Partner, new OpportunityId(id), update, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(PortalOpportunity.From(opportunity));
        }
        catch (AccessDeniedException)
        {
            return TypedResults.NotFound(); // another partner's deal: not revealed
        }
    }

    public async Task<Results<NoContent, NotFound, ValidationProblem>> AddNote(
        string id, AddNoteRequest request, ClaimsPrincipal user, PartnerOpportunityService deals, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return Invalid("text", "A note needs text.");
        }

        var caller = Caller(user);
        try
        {
            await deals.RecordActivityAsync(caller.Tenant, caller.Partner, new OpportunityId(id), SalesActivityDraft.Note(request.Text), cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (AccessDeniedException)
        {
            return TypedResults.NotFound();
        }
    }

    public async Task<Results<Ok<PortalActivity>, NotFound, ValidationProblem>> RecordOpportunityActivity(
        string id, RecordActivityRequest request, ClaimsPrincipal user, PartnerOpportunityService deals, CancellationToken cancellationToken)
    {
        if (Parse(request, out var problem) is not { } draft)
        {
            return problem!;
        }

        var caller = Caller(user);
        try
        {
            var activity = await deals.RecordActivityAsync(caller.Tenant, caller.Partner, new OpportunityId(id), draft, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(PortalActivity.From(activity));
        }
        catch (AccessDeniedException)
        {
            return TypedResults.NotFound();
        }
    }

    public async Task<Results<NoContent, NotFound, ValidationProblem>> CompleteOpportunityTask(
        string id, int number, CompleteTaskRequest request, ClaimsPrincipal user, PartnerOpportunityService deals, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Outcome))
        {
            return Invalid("outcome", "A completed task needs its outcome.");
        }

        var caller = Caller(user);
        try
        {
            await deals.CompleteTaskAsync(caller.Tenant, caller.Partner, new OpportunityId(id), number, request.Outcome, cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (AccessDeniedException)
        {
            return TypedResults.NotFound();
        }
    }

    public async Task<Results<Ok<PortalActivity>, ValidationProblem>> RecordLeadActivity(
        string id, RecordActivityRequest request, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        if (Parse(request, out var problem) is not { } draft)
        {
            return problem!;
        }

        var caller = Caller(user);
        var activity = await leads.RecordActivityAsync(caller.Tenant, caller.Partner, new LeadId(id), draft, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(PortalActivity.From(activity));
    }

    public async Task<Results<NoContent, ValidationProblem>> CompleteLeadTask(
        string id, int number, CompleteTaskRequest request, ClaimsPrincipal user, PartnerLeadService leads, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Outcome))
        {
            return Invalid("outcome", "A completed task needs its outcome.");
        }

        var caller = Caller(user);
        await leads.CompleteTaskAsync(caller.Tenant, caller.Partner, new LeadId(id), number, request.Outcome, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private PartnerCaller Caller(ClaimsPrincipal user) => PartnerCaller.From(user, options);

    /// <summary>The money, or null and a problem naming the bad member.</summary>
    private static Money? Parse(PortalMoney money, out ValidationProblem? problem)
    {
        problem = null;
        CurrencyCode currency;
        try
        {
            currency = CurrencyCode.Parse(money.Currency ?? string.Empty);
        }
        catch (ArgumentException ex)
        {
            problem = Invalid("amount.currency", ex.Message);
            return null;
        }

        if (!decimal.TryParse(money.Amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            problem = Invalid("amount.amount", $"'{money.Amount}' is not a decimal amount such as \"1234.50\".");
            return null;
        }

        try
        {
            return new Money(value, currency); // refuses more decimal places than the currency has
        }
        catch (ArgumentException ex)
        {
            problem = Invalid("amount.amount", ex.Message);
            return null;
        }
    }

    /// <summary>The activity draft, or null and a problem naming the bad member; the model checks the rest (e.g. a task's due date).</summary>
    private static SalesActivityDraft? Parse(RecordActivityRequest request, out ValidationProblem? problem)
    {
        problem = null;
        if (PortalActivityKinds.Parse(request.Kind) is not { } kind)
        {
            problem = Invalid("kind", $"'{request.Kind}' is not an activity kind; use one of {PortalActivityKinds.List}.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(request.Subject))
        {
            problem = Invalid("subject", "An activity needs a subject.");
            return null;
        }

        return new SalesActivityDraft(kind, request.Subject)
        {
            OccurredAt = request.OccurredAt is { } at ? Instant.FromDateTimeOffset(at) : null,
            DueAt = request.DueAt is { } due ? Instant.FromDateTimeOffset(due) : null,
            Outcome = request.Outcome,
        };
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
