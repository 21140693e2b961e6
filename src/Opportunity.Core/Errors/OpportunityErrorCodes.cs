namespace Opportunity;

/// <summary>
/// The stable codes of the library's errors (<see cref="OpportunityException.ErrorCode"/>), one per
/// distinct cause, in snake_case so they read well in ProblemDetails and JSON. A code never changes
/// meaning; new causes get new codes. The exception type that carries each code gives its category
/// (and HTTP status in <c>Opportunity.AspNetCore</c>); see <c>docs/errors.md</c>.
/// </summary>
public static class OpportunityErrorCodes
{
    // Not found (EntityNotFoundException, 404).

    /// <summary>No lead with that id in the tenant (<see cref="EntityNotFoundException"/>).</summary>
    public const string LeadNotFound = "lead_not_found";

    /// <summary>No sales opportunity with that id in the tenant (<see cref="EntityNotFoundException"/>).</summary>
    public const string OpportunityNotFound = "opportunity_not_found";

    /// <summary>No partner with that id in the tenant (<see cref="EntityNotFoundException"/>).</summary>
    public const string PartnerNotFound = "partner_not_found";

    /// <summary>No pipeline definition with that id in the catalog (<see cref="EntityNotFoundException"/>).</summary>
    public const string PipelineNotFound = "pipeline_not_found";

    /// <summary>A forecast tree has no node at the path given (<see cref="EntityNotFoundException"/>, kind <c>ForecastNode</c>).</summary>
    public const string ForecastNodeNotFound = "forecast_node_not_found";

    // Forbidden (AccessDeniedException, 403).

    /// <summary>The partner is not the one the lead is assigned or offered to, or that works it (<see cref="AccessDeniedException"/>).</summary>
    public const string PartnerNotAssigned = "partner_not_assigned";

    // Conflict (ConflictException, 409).

    /// <summary>Somebody else saved the aggregate first, or its id is taken (<see cref="ConcurrencyException"/>).</summary>
    public const string ConcurrencyConflict = "concurrency_conflict";

    /// <summary>Another partner accepted the lead first or holds it now (<see cref="ConflictException"/>, <see cref="ConflictException.Winner"/> set).</summary>
    public const string LeadAlreadyAccepted = "lead_already_accepted";

    /// <summary>The lost deal was recycled into a lead already (<see cref="ConflictException"/>).</summary>
    public const string DealAlreadyRecycled = "deal_already_recycled";

    /// <summary>The lead went to other partners after this one rejected it or let it expire (<see cref="ConflictException"/>, <see cref="ConflictException.Winner"/> set when one partner holds it).</summary>
    public const string LeadReassigned = "lead_reassigned";

    /// <summary>The lead was already converted into an opportunity of another partner (<see cref="ConflictException"/>, <see cref="ConflictException.Winner"/> set).</summary>
    public const string LeadAlreadyConverted = "lead_already_converted";

    /// <summary>A deal registration collides with a lead another partner works (<see cref="ConflictException"/>, <see cref="ConflictException.Winner"/> set).</summary>
    public const string ChannelConflict = "channel_conflict";

    /// <summary>The partner is at its capacity of open leads (<see cref="PartnerAtCapacityException"/>).</summary>
    public const string PartnerAtCapacity = "partner_at_capacity";

    /// <summary>The database refused a store call in the caller's transaction for a reason only running the whole transaction again cures (<see cref="TransactionRetryRequiredException"/>).</summary>
    public const string TransactionRetryRequired = "transaction_retry_required";

    // Invalid input (InvalidInputException, 400).

    /// <summary>An id or text field breaks the text rules (<see cref="InvalidTextException"/>, field set).</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>A document, row or definition has one or more validation errors (<see cref="InputValidationException"/>).</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>A forecast tree's levels are not usable: a blank or reused level name, or one with ':' or '/' (<see cref="InvalidInputException"/>).</summary>
    public const string InvalidForecastHierarchy = "invalid_forecast_hierarchy";

    /// <summary>A partner names a parent (<c>Partner.ParentId</c>) the tenant does not have (<see cref="InvalidInputException"/>, field <c>Partner.ParentId</c>).</summary>
    public const string PartnerParentUnknown = "partner_parent_unknown";

    /// <summary>A partner's parent would make it its own ancestor (<see cref="InvalidInputException"/>, field <c>Partner.ParentId</c>).</summary>
    public const string PartnerHierarchyCycle = "partner_hierarchy_cycle";

    /// <summary>A currency code is neither ISO 4217 nor registered (<see cref="UnknownCurrencyException"/>).</summary>
    public const string UnknownCurrency = "unknown_currency";

    /// <summary>A stage name is not part of the pipeline definition (<see cref="Pipelines.UnknownStageException"/>, field <c>stage</c>).</summary>
    public const string UnknownStage = "unknown_stage";

    /// <summary>The current stage has no exit criterion of that name (<see cref="InvalidInputException"/>, field <c>criterion</c>).</summary>
    public const string UnknownExitCriterion = "unknown_exit_criterion";

    /// <summary>An opportunity amount is negative or above the largest amount of one deal (<see cref="InvalidInputException"/>, field <c>amount</c>).</summary>
    public const string AmountOutOfRange = "amount_out_of_range";

    /// <summary>An expected close date outside the dates a pipeline snapshot holds, May of the year −731 to August 4730 (<see cref="InvalidInputException"/>, field <c>expectedClose</c>).</summary>
    public const string CloseDateOutOfRange = "close_date_out_of_range";

    /// <summary>Converting a lead without an estimated value needs an amount (<see cref="InvalidInputException"/>, field <c>amount</c>).</summary>
    public const string AmountRequired = "amount_required";

    // Domain rule violations (DomainRuleException, 422).

    /// <summary>The move is not allowed in the aggregate's current state (<see cref="InvalidStateTransitionException"/>).</summary>
    public const string InvalidStateTransition = "invalid_state_transition";

    /// <summary>A lead cannot be qualified: need, budget, authority or timing not confirmed (<see cref="DomainRuleException"/>).</summary>
    public const string QualificationIncomplete = "qualification_incomplete";

    /// <summary>The lead cannot go to a partner that already rejected it or let it expire (<see cref="DomainRuleException"/>).</summary>
    public const string ExcludedPartner = "excluded_partner";

    /// <summary>The partner exists but is inactive, so it cannot be given leads (<see cref="DomainRuleException"/>).</summary>
    public const string PartnerInactive = "partner_inactive";

    /// <summary>An acceptance deadline is not after now (<see cref="DomainRuleException"/>).</summary>
    public const string AcceptanceDeadlinePassed = "acceptance_deadline_passed";

    /// <summary>An escalation step fired out of order (<see cref="DomainRuleException"/>).</summary>
    public const string EscalationOrder = "escalation_order";

    /// <summary>A distributor routed a lead on to a partner that is not one of its resellers (<see cref="DomainRuleException"/>).</summary>
    public const string NotAReseller = "not_a_reseller";

    /// <summary>The lead is not a deal registration with terms, so it has no protection to extend (<see cref="DomainRuleException"/>).</summary>
    public const string NotARegistration = "not_a_registration";

    /// <summary>The registration has had as many extensions as the policy allows (<see cref="DomainRuleException"/>).</summary>
    public const string RegistrationExtensionLimit = "registration_extension_limit";

    /// <summary>An extension request of the registration already waits for a decision (<see cref="DomainRuleException"/>).</summary>
    public const string RegistrationExtensionPending = "registration_extension_pending";

    /// <summary>No extension request of the registration waits for a decision (<see cref="DomainRuleException"/>).</summary>
    public const string RegistrationExtensionNotRequested = "registration_extension_not_requested";

    /// <summary>The record's SLA clock is already paused (<see cref="DomainRuleException"/>).</summary>
    public const string ClockAlreadyPaused = "clock_already_paused";

    /// <summary>The record's SLA clock is running, so there is nothing to resume (<see cref="DomainRuleException"/>).</summary>
    public const string ClockNotPaused = "clock_not_paused";
    /// <summary>The lead or opportunity holds <see cref="SalesActivity.MaxPerRecord"/> activities, the most one record may hold (<see cref="InvalidInputException"/>, field <c>activities</c>).</summary>
    public const string ActivityLimitReached = "activity_limit_reached";

    /// <summary>The lead was recycled as often as the recycling policy allows (<see cref="DomainRuleException"/>).</summary>
    public const string RecycleLimitReached = "recycle_limit_reached";

    /// <summary>A lead cannot be merged into itself (<see cref="DomainRuleException"/>).</summary>
    public const string MergeIntoItself = "merge_into_itself";

    /// <summary>A converted lead keeps its deal and cannot be merged away; merge the other lead into it (<see cref="DomainRuleException"/>).</summary>
    public const string MergeOfConvertedLead = "merge_of_converted_lead";

    /// <summary>The duplicate is offered to, worked or registered by a partner; recall, reject or decide it first (<see cref="DomainRuleException"/>).</summary>
    public const string MergeOfHeldLead = "merge_of_held_lead";

    /// <summary>Only a deal closed lost can be recycled into a new lead (<see cref="DomainRuleException"/>).</summary>
    public const string DealNotLost = "deal_not_lost";

    /// <summary>A lost deal without a source lead needs the customer's details to be recycled (<see cref="DomainRuleException"/>).</summary>
    public const string DealWithoutLead = "deal_without_lead";

    /// <summary>An opportunity cannot be opened in a closed stage (<see cref="DomainRuleException"/>).</summary>
    public const string OpenInClosedStage = "open_in_closed_stage";

    /// <summary>A closed stage is reached only by closing won or lost with a reason (<see cref="DomainRuleException"/>).</summary>
    public const string CloseWithReason = "close_with_reason";

    /// <summary>The current stage's exit criteria are not met (<see cref="DomainRuleException"/>).</summary>
    public const string StageExitCriteriaNotMet = "stage_exit_criteria_not_met";

    /// <summary>The opportunity's amount is the sum of its lines and cannot be set directly (<see cref="DomainRuleException"/>).</summary>
    public const string AmountDerivedFromLines = "amount_derived_from_lines";

    /// <summary>Closing lost needs a lost stage (<see cref="DomainRuleException"/>).</summary>
    public const string NotALostStage = "not_a_lost_stage";

    /// <summary>A reopened opportunity goes to an open stage (<see cref="DomainRuleException"/>).</summary>
    public const string ReopenInClosedStage = "reopen_in_closed_stage";

    /// <summary>Amounts of different currencies are combined (<see cref="CurrencyMismatchException"/>).</summary>
    public const string CurrencyMismatch = "currency_mismatch";

    /// <summary>No exchange rate for a currency pair and date (<see cref="Forecasting.ExchangeRateNotFoundException"/>).</summary>
    public const string ExchangeRateNotFound = "exchange_rate_not_found";

    // Faults of the server, not of the request (500).

    /// <summary>A store cannot keep a value faithfully or read a stored record back (<see cref="Persistence.StoreDataException"/>).</summary>
    public const string StoreDataInvalid = "store_data_invalid";

    /// <summary>An aggregate of valid deals does not fit its type (<see cref="AggregateOverflowException"/>).</summary>
    public const string AggregateOverflow = "aggregate_overflow";
}
