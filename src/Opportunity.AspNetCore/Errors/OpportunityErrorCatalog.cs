using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Opportunity.AspNetCore.Errors;

/// <summary>
/// The HTTP status and ProblemDetails title of every <see cref="OpportunityErrorCodes"/> code. A
/// test checks by reflection that no code is missing. Codes of your own fall back to the status of
/// their exception's category.
/// </summary>
internal static class OpportunityErrorCatalog
{
    public static readonly FrozenDictionary<string, (int Status, string Title)> Entries = new Dictionary<string, (int, string)>
    {
        [OpportunityErrorCodes.LeadNotFound] = (StatusCodes.Status404NotFound, "Lead not found"),
        [OpportunityErrorCodes.OpportunityNotFound] = (StatusCodes.Status404NotFound, "Opportunity not found"),
        [OpportunityErrorCodes.PartnerNotFound] = (StatusCodes.Status404NotFound, "Partner not found"),
        [OpportunityErrorCodes.PipelineNotFound] = (StatusCodes.Status404NotFound, "Pipeline definition not found"),
        [OpportunityErrorCodes.ForecastNodeNotFound] = (StatusCodes.Status404NotFound, "Forecast node not found"),
        [OpportunityErrorCodes.PartnerNotAssigned] = (StatusCodes.Status403Forbidden, "Not the partner's lead"),
        [OpportunityErrorCodes.ConcurrencyConflict] = (StatusCodes.Status409Conflict, "Changed or created by someone else"),
        [OpportunityErrorCodes.LeadAlreadyAccepted] = (StatusCodes.Status409Conflict, "Lead already accepted by another partner"),
        [OpportunityErrorCodes.DealAlreadyRecycled] = (StatusCodes.Status409Conflict, "Lost deal already recycled"),
        [OpportunityErrorCodes.LeadReassigned] = (StatusCodes.Status409Conflict, "Lead went to other partners"),
        [OpportunityErrorCodes.LeadAlreadyConverted] = (StatusCodes.Status409Conflict, "Lead already converted"),
        [OpportunityErrorCodes.ChannelConflict] = (StatusCodes.Status409Conflict, "Deal registration collides with another partner's lead"),
        [OpportunityErrorCodes.PartnerAtCapacity] = (StatusCodes.Status409Conflict, "Partner at capacity"),
        [OpportunityErrorCodes.TransactionRetryRequired] = (StatusCodes.Status409Conflict, "Run the transaction again"),
        [OpportunityErrorCodes.InvalidText] = (StatusCodes.Status400BadRequest, "Invalid text"),
        [OpportunityErrorCodes.ValidationFailed] = (StatusCodes.Status400BadRequest, "Validation failed"),
        [OpportunityErrorCodes.InvalidForecastHierarchy] = (StatusCodes.Status400BadRequest, "Invalid forecast hierarchy"),
        [OpportunityErrorCodes.UnknownCurrency] = (StatusCodes.Status400BadRequest, "Unknown currency"),
        [OpportunityErrorCodes.UnknownStage] = (StatusCodes.Status400BadRequest, "Unknown stage"),
        [OpportunityErrorCodes.UnknownExitCriterion] = (StatusCodes.Status400BadRequest, "Unknown exit criterion"),
        [OpportunityErrorCodes.AmountOutOfRange] = (StatusCodes.Status400BadRequest, "Amount out of range"),
        [OpportunityErrorCodes.CloseDateOutOfRange] = (StatusCodes.Status400BadRequest, "Close date out of range"),
        [OpportunityErrorCodes.AmountRequired] = (StatusCodes.Status400BadRequest, "Amount required"),
        [OpportunityErrorCodes.ActivityLimitReached] = (StatusCodes.Status400BadRequest, "Activity log full"),
        [OpportunityErrorCodes.InvalidStateTransition] = (StatusCodes.Status422UnprocessableEntity, "Not allowed in the current state"),
        [OpportunityErrorCodes.QualificationIncomplete] = (StatusCodes.Status422UnprocessableEntity, "Qualification incomplete"),
        [OpportunityErrorCodes.ExcludedPartner] = (StatusCodes.Status422UnprocessableEntity, "Partner excluded from this lead"),
        [OpportunityErrorCodes.PartnerInactive] = (StatusCodes.Status422UnprocessableEntity, "Partner inactive"),
        [OpportunityErrorCodes.AcceptanceDeadlinePassed] = (StatusCodes.Status422UnprocessableEntity, "Acceptance deadline not in the future"),
        [OpportunityErrorCodes.EscalationOrder] = (StatusCodes.Status422UnprocessableEntity, "Escalation step out of order"),
        [OpportunityErrorCodes.ClockAlreadyPaused] = (StatusCodes.Status422UnprocessableEntity, "SLA clock already paused"),
        [OpportunityErrorCodes.ClockNotPaused] = (StatusCodes.Status422UnprocessableEntity, "SLA clock not paused"),
        [OpportunityErrorCodes.OpenInClosedStage] = (StatusCodes.Status422UnprocessableEntity, "Cannot open in a closed stage"),
        [OpportunityErrorCodes.CloseWithReason] = (StatusCodes.Status422UnprocessableEntity, "Close won or lost with a reason"),
        [OpportunityErrorCodes.StageExitCriteriaNotMet] = (StatusCodes.Status422UnprocessableEntity, "Stage exit criteria not met"),
        [OpportunityErrorCodes.AmountDerivedFromLines] = (StatusCodes.Status422UnprocessableEntity, "Amount derived from lines"),
        [OpportunityErrorCodes.NotALostStage] = (StatusCodes.Status422UnprocessableEntity, "Not a lost stage"),
        [OpportunityErrorCodes.MergeIntoItself] = (StatusCodes.Status422UnprocessableEntity, "A lead cannot be merged into itself"),
        [OpportunityErrorCodes.MergeOfConvertedLead] = (StatusCodes.Status422UnprocessableEntity, "Converted lead cannot be merged away"),
        [OpportunityErrorCodes.MergeOfHeldLead] = (StatusCodes.Status422UnprocessableEntity, "Lead held by a partner cannot be merged away"),
        [OpportunityErrorCodes.NotARegistration] = (StatusCodes.Status422UnprocessableEntity, "Not an approved deal registration"),
        [OpportunityErrorCodes.RegistrationExtensionLimit] = (StatusCodes.Status422UnprocessableEntity, "Registration extended as often as allowed"),
        [OpportunityErrorCodes.RegistrationExtensionPending] = (StatusCodes.Status422UnprocessableEntity, "Registration extension already requested"),
        [OpportunityErrorCodes.RegistrationExtensionNotRequested] = (StatusCodes.Status422UnprocessableEntity, "No registration extension requested"),
        [OpportunityErrorCodes.PartnerParentUnknown] = (StatusCodes.Status400BadRequest, "Unknown parent partner"),
        [OpportunityErrorCodes.PartnerHierarchyCycle] = (StatusCodes.Status400BadRequest, "Partner hierarchy cycle"),
        [OpportunityErrorCodes.NotAReseller] = (StatusCodes.Status422UnprocessableEntity, "Not a reseller of the distributor"),
        [OpportunityErrorCodes.RecycleLimitReached] = (StatusCodes.Status422UnprocessableEntity, "Lead recycled as often as allowed"),
        [OpportunityErrorCodes.DealNotLost] = (StatusCodes.Status422UnprocessableEntity, "Deal not closed lost"),
        [OpportunityErrorCodes.DealWithoutLead] = (StatusCodes.Status422UnprocessableEntity, "Lost deal needs customer details"),
        [OpportunityErrorCodes.ReopenInClosedStage] = (StatusCodes.Status422UnprocessableEntity, "Cannot reopen in a closed stage"),
        [OpportunityErrorCodes.CurrencyMismatch] = (StatusCodes.Status422UnprocessableEntity, "Currency mismatch"),
        [OpportunityErrorCodes.ExchangeRateNotFound] = (StatusCodes.Status422UnprocessableEntity, "Exchange rate missing"),
        [OpportunityErrorCodes.StoreDataInvalid] = (StatusCodes.Status500InternalServerError, "Stored data cannot be kept or read"),
        [OpportunityErrorCodes.AggregateOverflow] = (StatusCodes.Status500InternalServerError, "Aggregate out of range"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The status and title of <paramref name="error"/>: its code's entry, else its category's.</summary>
    public static (int Status, string Title) Describe(OpportunityException error) =>
        Entries.TryGetValue(error.ErrorCode, out var entry) ? entry : error switch
        {
            InvalidInputException => (StatusCodes.Status400BadRequest, "Invalid input"),
            AccessDeniedException => (StatusCodes.Status403Forbidden, "Forbidden"),
            EntityNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            ConflictException => (StatusCodes.Status409Conflict, "Conflict"),
            DomainRuleException => (StatusCodes.Status422UnprocessableEntity, "Domain rule violated"),
            _ => (StatusCodes.Status500InternalServerError, "Server error"),
        };
}
