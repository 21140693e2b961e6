using NodaTime;
using NodaTime.Text;
using Opportunity.Diagnostics;

namespace Opportunity.Pipelines;

/// <summary>
/// A deal a partner works, moving through the stages of its <see cref="PipelineDefinition"/> to a
/// documented won or lost close. Its win probability is the override when set, otherwise the
/// stage's default; a stage change clears the override. Every change raises a domain event.
/// </summary>
public sealed partial class SalesOpportunity : AggregateRoot
{
    private SalesOpportunitySnapshot _s;

    private SalesOpportunity(SalesOpportunitySnapshot snapshot, PipelineDefinition definition)
        : base(snapshot.Tenant, snapshot.Version, snapshot.EventCount)
    {
        if (!string.Equals(snapshot.PipelineId, definition.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Opportunity '{snapshot.Id}' uses pipeline '{snapshot.PipelineId}', not '{definition.Id}'.", nameof(definition));
        }

        _s = snapshot with { Stage = definition.GetStage(snapshot.Stage).Name };
        Definition = definition;
        StartFieldHistory();
    }

    /// <inheritdoc />
    public override string AggregateKind => nameof(SalesOpportunity);

    /// <inheritdoc />
    public override string AggregateId => Id.Value;

    /// <summary>The id.</summary>
    public OpportunityId Id => _s.Id;

    /// <summary>The pipeline the deal follows.</summary>
    public PipelineDefinition Definition { get; }

    /// <summary>The partner working the deal.</summary>
    public PartnerId Partner => _s.Partner;

    /// <summary>Title.</summary>
    public string? Name => _s.Name;

    /// <summary>The deal amount.</summary>
    public Money Amount => _s.Amount;

    /// <summary>The expected close date.</summary>
    public LocalDate ExpectedClose => _s.ExpectedClose;

    /// <summary>The current stage.</summary>
    public Stage Stage => Definition.GetStage(_s.Stage);

    /// <summary>The probability override, if any.</summary>
    public Probability? ProbabilityOverride => _s.ProbabilityOverride;

    /// <summary>The win probability in force: the override, else the stage default.</summary>
    public Probability Probability => _s.ProbabilityOverride ?? Stage.DefaultProbability;

    /// <summary>The forecast category override, if any.</summary>
    public ForecastCategory? ForecastCategoryOverride => _s.ForecastCategoryOverride;

    /// <summary>The forecast category in force: the override, else the stage's.</summary>
    public ForecastCategory ForecastCategory => _s.ForecastCategoryOverride ?? Stage.ForecastCategory;

    /// <summary>Region.</summary>
    public string? Region => _s.Region;

    /// <summary>Product line.</summary>
    public string? ProductLine => _s.ProductLine;

    /// <summary>The lead it came from.</summary>
    public LeadId? SourceLead => _s.SourceLead;

    /// <summary>The customer's normalised duplicate keys, matched against incoming leads while the deal is open; null when unknown.</summary>
    public Leads.DuplicateKeys? CustomerKeys => _s.CustomerKeys;

    /// <summary>The line items (product, quantity, unit price, discount); empty when the amount is kept directly. With lines, <see cref="Amount"/> is their sum.</summary>
    public IReadOnlyList<OpportunityLine> Lines => _s.Lines ?? [];

    /// <summary>The credit splits between parties (shares total exactly 100 %); empty when the deal's partner gets all the credit.</summary>
    public IReadOnlyList<OpportunitySplit> Splits => _s.Splits ?? [];

    /// <summary>Stage history, oldest first.</summary>
    public IReadOnlyList<StageChange> History => _s.History;

    /// <summary>Exit criteria of the current stage that are met.</summary>
    public IReadOnlyList<string> MetCriteria => _s.MetCriteria;

    /// <summary>True when in a won or lost stage.</summary>
    public bool IsClosed => Stage.IsClosed;

    /// <summary>The documented close reason.</summary>
    public string? CloseReason => _s.CloseReason;

    /// <summary>When it was closed.</summary>
    public Instant? ClosedAt => _s.ClosedAt;

    /// <summary>When it was opened.</summary>
    public Instant CreatedAt => _s.CreatedAt;

    /// <summary>When the current stage was entered.</summary>
    public Instant StageEnteredAt => _s.StageEnteredAt;

    /// <summary>When anything last happened.</summary>
    public Instant LastActivityAt => _s.LastActivityAt;

    /// <summary>When time-based work (follow-up) is next due.</summary>
    public Instant? NextDueAt => _s.NextDueAt;

    /// <summary>Opens a new opportunity.</summary>
    /// <exception cref="InvalidInputException">The amount is negative or above <see cref="Money.MaxDealMinorUnits"/> minor units (<see cref="OpportunityErrorCodes.AmountOutOfRange"/>, field <c>amount</c>).</exception>
    /// <exception cref="InvalidInputException">The expected close date lies outside the dates a pipeline snapshot holds (<see cref="OpportunityErrorCodes.CloseDateOutOfRange"/>, field <c>expectedClose</c>).</exception>
    /// <exception cref="UnknownStageException">The draft names a stage the definition lacks.</exception>
    /// <exception cref="DomainRuleException">The draft's stage is closed (<see cref="OpportunityErrorCodes.OpenInClosedStage"/>).</exception>
    public static SalesOpportunity Open(TenantId tenant, OpportunityId id, SalesOpportunityDraft draft, PipelineDefinition definition, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(clock);
        RequireActor(actor);
        EnsureValidAmount(draft.Amount);
        EnsureValidExpectedClose(draft.ExpectedClose);
        var stage = draft.Stage is null ? definition.OpenStages[0] : definition.GetStage(draft.Stage);
        if (stage.IsClosed)
        {
            throw new DomainRuleException(OpportunityErrorCodes.OpenInClosedStage, $"Opportunity '{id}' cannot be opened in closed stage '{stage.Name}'.");
        }

        var now = clock.GetCurrentInstant();
        var opportunity = new SalesOpportunity(
            new SalesOpportunitySnapshot
            {
                Id = id,
                Tenant = tenant,
                Partner = draft.Partner,
                Name = draft.Name,
                Amount = draft.Amount,
                ExpectedClose = draft.ExpectedClose,
                PipelineId = definition.Id,
                Stage = stage.Name,
                ProbabilityOverride = draft.ProbabilityOverride,
                ForecastCategoryOverride = draft.ForecastCategoryOverride,
                Region = draft.Region,
                ProductLine = draft.ProductLine,
                SourceLead = draft.SourceLead,
                CustomerKeys = draft.CustomerKeys is { } keys && Leads.DuplicateKeys.OfCustomer(keys.Company, keys.EmailDomain, keys.Phone) is { IsEmpty: false } normalised ? normalised : null,
                History = [new StageChange(null, stage.Name, now, actor)],
                CreatedAt = now,
                StageEnteredAt = now,
                LastActivityAt = now,
            },
            definition);
        opportunity.Raise(
            new OpportunityOpened(draft.Partner, draft.Amount, stage.Name, draft.ExpectedClose)
            {
                PipelineId = definition.Id,
                Region = draft.Region,
                ProductLine = draft.ProductLine,
                ProbabilityOverride = draft.ProbabilityOverride,
                ForecastCategoryOverride = draft.ForecastCategoryOverride,
            },
            now,
            actor);
        return opportunity;
    }

    /// <summary>Rebuilds an opportunity from stored data (for persistence adapters); raises no event.</summary>
    /// <exception cref="UnknownStageException">The stored stage is not in the definition.</exception>
    public static SalesOpportunity FromSnapshot(SalesOpportunitySnapshot snapshot, PipelineDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(definition);
        return new SalesOpportunity(snapshot, definition);
    }

    /// <summary>All stored facts, including the version.</summary>
    public SalesOpportunitySnapshot ToSnapshot() => _s with { Version = Version, EventCount = EventCount };

    /// <summary>
    /// Moves the deal to another open stage. Moving forward requires the current stage's exit
    /// criteria to be met; the probability override is cleared; the history records the move.
    /// </summary>
    /// <exception cref="UnknownStageException">No such stage.</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed (reopen it first).</exception>
    /// <exception cref="DomainRuleException">The target is a closed stage (use CloseWon/CloseLost; <see cref="OpportunityErrorCodes.CloseWithReason"/>) or exit criteria are missing (<see cref="OpportunityErrorCodes.StageExitCriteriaNotMet"/>).</exception>
    public void MoveToStage(string stage, string actor, IClock clock)
    {
        var target = Definition.GetStage(stage);
        EnsureOpen("MoveToStage");
        if (target.IsClosed)
        {
            throw new DomainRuleException(OpportunityErrorCodes.CloseWithReason, $"Opportunity '{Id}' cannot move to '{target.Name}' directly; close it with CloseWon or CloseLost and a reason.");
        }

        if (target == Stage)
        {
            return;
        }

        if (Definition.IndexOf(target.Name) > Definition.IndexOf(Stage.Name))
        {
            var missing = Stage.ExitCriteria.Except(_s.MetCriteria, StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0)
            {
                throw new DomainRuleException(OpportunityErrorCodes.StageExitCriteriaNotMet, $"Opportunity '{Id}' cannot leave stage '{Stage.Name}': exit criteria not met: {string.Join(", ", missing)}.");
            }
        }

        var now = Now(clock);
        var from = Stage.Name;
        EnterStage(target, now, RequireActor(actor));
        Raise(new OpportunityStageChanged(from, target.Name), now, actor);
        TraceStageChange(from, "moved");
    }

    /// <summary>Changes the deal amount.</summary>
    /// <exception cref="InvalidInputException">Negative amount, or above <see cref="Money.MaxDealMinorUnits"/> minor units (<see cref="OpportunityErrorCodes.AmountOutOfRange"/>, field <c>amount</c>).</exception>
    /// <exception cref="CurrencyMismatchException">A different currency than the deal's.</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    /// <exception cref="DomainRuleException">The deal has lines, whose sum is its amount (<see cref="OpportunityErrorCodes.AmountDerivedFromLines"/>): change the lines, or clear them first.</exception>
    public void ChangeAmount(Money amount, string actor, IClock clock)
    {
        EnsureValidAmount(amount);
        if (Lines.Count > 0)
        {
            throw new DomainRuleException(OpportunityErrorCodes.AmountDerivedFromLines, $"Opportunity '{Id}' has {Lines.Count} line(s) whose sum is its amount; change the lines with SetLines, or clear them (SetLines with none) before setting the amount directly.");
        }

        if (amount.Currency != _s.Amount.Currency)
        {
            throw new CurrencyMismatchException(_s.Amount.Currency, amount.Currency);
        }

        EnsureOpen("ChangeAmount");
        if (amount == _s.Amount)
        {
            return;
        }

        var now = Now(clock);
        var previous = _s.Amount;
        _s = _s with { Amount = amount, LastActivityAt = now };
        Raise(new OpportunityAmountChanged(previous, amount), now, RequireActor(actor));
    }

    /// <summary>
    /// Replaces the line items; the amount becomes their sum (each line rounded once to the minor
    /// unit). No lines clears them and keeps the last amount, which can then be changed directly.
    /// Raises <see cref="OpportunityLinesChanged"/> (with the amount before and after) when anything changed.
    /// </summary>
    /// <exception cref="CurrencyMismatchException">A line's unit price is in another currency than the deal.</exception>
    /// <exception cref="InvalidInputException">The lines sum to more than one deal may hold (<see cref="OpportunityErrorCodes.AmountOutOfRange"/>, field <c>amount</c>).</exception>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public void SetLines(IEnumerable<OpportunityLine> lines, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var list = lines.ToList();
        var currency = _s.Amount.Currency;
        var sum = Money.Zero(currency);
        foreach (var line in list)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (line.UnitPrice.Currency != currency)
            {
                throw new CurrencyMismatchException(currency, line.UnitPrice.Currency);
            }

            sum = new Money(sum.Amount + line.Amount.Amount, currency);
        }

        EnsureOpen("SetLines");
        if (list.SequenceEqual(Lines))
        {
            return;
        }

        var amount = list.Count == 0 ? _s.Amount : sum;
        EnsureValidAmount(amount);
        var now = Now(clock);
        var previous = _s.Amount;
        _s = _s with { Lines = list.Count == 0 ? null : list, Amount = amount, LastActivityAt = now };
        Raise(new OpportunityLinesChanged(list, previous, amount), now, RequireActor(actor));
    }

    /// <summary>
    /// Replaces the credit splits; their shares must total exactly 100 % and name each party and
    /// role once. No splits clears them (the deal's partner gets all the credit). Allowed on
    /// closed deals too: credit is bookkeeping, not a pipeline move. Raises
    /// <see cref="OpportunitySplitsChanged"/> when anything changed.
    /// </summary>
    /// <exception cref="InputValidationException">The shares do not total 100 %, or a party and role appears twice (field <c>splits</c>).</exception>
    public void SetSplits(IEnumerable<OpportunitySplit> splits, string actor, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(splits);
        var list = splits.ToList();
        if (list.Count > 0)
        {
            var errors = new List<ValidationError>();
            var total = list.Sum(s => s.Percent);
            if (total != 100m)
            {
                errors.Add(new ValidationError("splits", $"The shares total {total} %, not exactly 100 %."));
            }

            foreach (var twice in list.GroupBy(s => (s.Party, s.Role)).Where(g => g.Count() > 1))
            {
                errors.Add(new ValidationError("splits", $"{twice.Key.Party} ({twice.Key.Role}) appears {twice.Count()} times; give each party and role one share."));
            }

            if (errors.Count > 0)
            {
                throw new InputValidationException(errors);
            }
        }

        if (list.SequenceEqual(Splits))
        {
            return;
        }

        var now = Now(clock);
        _s = _s with { Splits = list.Count == 0 ? null : list, LastActivityAt = now };
        Raise(new OpportunitySplitsChanged(list), now, RequireActor(actor));
    }

    /// <summary>Changes the expected close date.</summary>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    /// <exception cref="InvalidInputException">The date lies outside the dates a pipeline snapshot holds (<see cref="OpportunityErrorCodes.CloseDateOutOfRange"/>, field <c>expectedClose</c>).</exception>
    public void ChangeExpectedClose(LocalDate expectedClose, string actor, IClock clock)
    {
        EnsureOpen("ChangeExpectedClose");
        EnsureValidExpectedClose(expectedClose);
        if (expectedClose == _s.ExpectedClose)
        {
            return;
        }

        var now = Now(clock);
        var previous = _s.ExpectedClose;
        _s = _s with { ExpectedClose = expectedClose, LastActivityAt = now };
        Raise(new OpportunityCloseDateChanged(previous, expectedClose), now, RequireActor(actor));
    }

    /// <summary>Sets (or with null clears) a probability that wins over the stage default until the stage changes.</summary>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public void OverrideProbability(Probability? probability, string actor, IClock clock)
    {
        EnsureOpen("OverrideProbability");
        var now = Now(clock);
        _s = _s with { ProbabilityOverride = probability, LastActivityAt = now };
        Raise(new OpportunityProbabilityOverridden(probability), now, RequireActor(actor));
    }

    /// <summary>Sets (or with null clears) the forecast category override.</summary>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    public void OverrideForecastCategory(ForecastCategory? category, string actor, IClock clock)
    {
        EnsureOpen("OverrideForecastCategory");
        var now = Now(clock);
        _s = _s with { ForecastCategoryOverride = category, LastActivityAt = now };
        Raise(new OpportunityForecastCategoryOverridden(category), now, RequireActor(actor));
    }

    /// <summary>Marks an exit criterion of the current stage as met.</summary>
    /// <exception cref="InvalidInputException">The current stage has no such criterion (<see cref="OpportunityErrorCodes.UnknownExitCriterion"/>, field <c>criterion</c>).</exception>
    public void MarkCriterionMet(string criterion, string actor, IClock clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(criterion);
        EnsureOpen("MarkCriterionMet");
        var name = Stage.ExitCriteria.FirstOrDefault(c => string.Equals(c, criterion.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidInputException(OpportunityErrorCodes.UnknownExitCriterion, "criterion", $"Stage '{Stage.Name}' has no exit criterion '{criterion}'.");
        if (_s.MetCriteria.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        var now = Now(clock);
        _s = _s with { MetCriteria = [.. _s.MetCriteria, name], LastActivityAt = now };
        Raise(new OpportunityCriterionMet(name), now, RequireActor(actor));
    }

    /// <summary>Records activity as a <see cref="SalesActivityKind.Note"/> (see <see cref="RecordActivity(SalesActivityDraft, string, IClock)"/>); resets follow-up timers.</summary>
    public void RecordActivity(string note, string actor, IClock clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        TextRules.Required(note, nameof(note));
        RecordActivity(SalesActivityDraft.Note(note), actor, clock);
    }

    /// <summary>Closes the deal as won with a documented reason.</summary>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    /// <exception cref="InvalidStateTransitionException">Already closed.</exception>
    public void CloseWon(string reason, string actor, IClock clock) => Close(Definition.WonStage, reason, actor, clock);

    /// <summary>Closes the deal as lost with a documented reason, in the given lost stage or the first one.</summary>
    /// <exception cref="ArgumentException">The reason is empty.</exception>
    /// <exception cref="InvalidStateTransitionException">Already closed.</exception>
    /// <exception cref="DomainRuleException">The named stage is not a lost stage (<see cref="OpportunityErrorCodes.NotALostStage"/>).</exception>
    public void CloseLost(string reason, string actor, IClock clock, string? lostStage = null)
    {
        var stage = lostStage is null ? Definition.LostStages[0] : Definition.GetStage(lostStage);
        if (stage.Kind != StageKind.Lost)
        {
            throw new DomainRuleException(OpportunityErrorCodes.NotALostStage, $"Stage '{stage.Name}' is not a lost stage.");
        }

        Close(stage, reason, actor, clock);
    }

    /// <summary>
    /// Reopens a closed deal in an open stage, recording why. The deal becomes due at once
    /// (<see cref="NextDueAt"/>), so the next due-work run schedules its follow-ups under the
    /// current policy, as conversion does for a new deal.
    /// </summary>
    /// <exception cref="InvalidStateTransitionException">The deal is open.</exception>
    /// <exception cref="DomainRuleException">The target stage is closed (<see cref="OpportunityErrorCodes.ReopenInClosedStage"/>).</exception>
    public void Reopen(string stage, string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        var target = Definition.GetStage(stage);
        if (!IsClosed)
        {
            throw new InvalidStateTransitionException(nameof(SalesOpportunity), Id.Value, Stage.Name, "Reopen");
        }

        if (target.IsClosed)
        {
            throw new DomainRuleException(OpportunityErrorCodes.ReopenInClosedStage, $"Opportunity '{Id}' must be reopened in an open stage, not '{target.Name}'.");
        }

        var now = Now(clock);
        var from = Stage.Name;
        EnterStage(target, now, RequireActor(actor));
        // Closing cleared the follow-up schedule; the policy lives with the workflows, so hand the deal to them.
        _s = _s with { CloseReason = null, ClosedAt = null, NextDueAt = now };
        Raise(new OpportunityReopened(from, target.Name, why), now, actor);
        TraceStageChange(from, "reopened");
    }

    /// <summary>Asks the partner for a status update because the open deal saw no activity for too long (raises <see cref="FollowUpRequested"/>).</summary>
    /// <param name="request">1 for the first request since the last activity, then 2, 3, …</param>
    /// <param name="actor">Who asks (usually <c>system</c>).</param>
    /// <param name="clock">The clock.</param>
    /// <exception cref="InvalidStateTransitionException">The deal is closed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="request"/> is below 1.</exception>
    public void RequestFollowUp(int request, string actor, IClock clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request, 1);
        EnsureOpen("RequestFollowUp");
        Raise(new FollowUpRequested(Partner, request, _s.LastActivityAt), Now(clock), RequireActor(actor));
    }

    /// <summary>Sets when time-based work (follow-up) is next due, or clears it; while the clock is paused, the time is held in the pause.</summary>
    public void ScheduleNextDue(Instant? dueAt) => _s = _s.ClockPause is { } pause ? _s with { ClockPause = pause with { HeldDueAt = dueAt } } : _s with { NextDueAt = dueAt };

    private void Close(Stage stage, string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        EnsureOpen(stage.Kind == StageKind.Won ? "CloseWon" : "CloseLost");
        var now = Now(clock);
        var from = Stage.Name;
        EnterStage(stage, now, RequireActor(actor));
        _s = _s with { CloseReason = why, ClosedAt = now, NextDueAt = null };
        Raise(new OpportunityClosed(stage.Kind, stage.Name, why, _s.Amount), now, actor);
        TraceStageChange(from, stage.Kind == StageKind.Won ? "won" : "lost");
    }

    /// <summary>
    /// A span marking the stage change (it takes no time: the change is in memory until the caller
    /// saves), child of the caller's span, e.g. the partner portal's request. Stage names are
    /// pipeline configuration, not customer data.
    /// </summary>
    private void TraceStageChange(string from, string outcome)
    {
        using var activity = OpportunityTelemetry.Source.StartActivity("opportunity.opportunity.stage_change");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.Tenant, Tenant.Value);
            activity.SetTag(TelemetryTags.OpportunityId, Id.Value);
            activity.SetTag("opportunity.stage.from", from);
            activity.SetTag(TelemetryTags.Stage, Stage.Name);
            activity.SetTag(TelemetryTags.Outcome, outcome);
        }
    }

    private void EnterStage(Stage target, Instant now, string actor) =>
        _s = _s with
        {
            History = [.. _s.History, new StageChange(_s.Stage, target.Name, now, actor)],
            Stage = target.Name,
            ProbabilityOverride = null,
            MetCriteria = [],
            StageEnteredAt = now,
            LastActivityAt = now,
        };

    private void EnsureOpen(string move)
    {
        if (IsClosed)
        {
            throw new InvalidStateTransitionException(nameof(SalesOpportunity), Id.Value, Stage.Name, move);
        }
    }

    // A date the forecast's month column cannot hold would make every snapshot of the tenant throw.
    private static void EnsureValidExpectedClose(LocalDate expectedClose)
    {
        if (!CloseDateRange.Contains(expectedClose))
        {
            throw new InvalidInputException(OpportunityErrorCodes.CloseDateOutOfRange, "expectedClose", $"Expected close date {LocalDatePattern.Iso.Format(expectedClose)} must lie {CloseDateRange.Text}.");
        }
    }

    private static void EnsureValidAmount(Money amount)
    {
        if (amount.IsNegative)
        {
            throw new InvalidInputException(OpportunityErrorCodes.AmountOutOfRange, "amount", $"Opportunity amount {amount} must not be negative.");
        }

        if (!amount.IsValidDealAmount)
        {
            throw new InvalidInputException(OpportunityErrorCodes.AmountOutOfRange, "amount", $"Opportunity amount {amount} exceeds the largest amount of one deal, {Money.MaxDealAmount(amount.Currency)} ({Money.MaxDealMinorUnits} minor units).");
        }
    }

    private static Instant Now(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetCurrentInstant();
    }
}
