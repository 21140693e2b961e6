using NodaTime;
using NodaTime.Testing;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

public sealed class SalesOpportunityTests
{
    private static readonly TenantId Tenant = new("acme");
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 2, 9, 0));

    private SalesOpportunity NewDeal(PipelineDefinition? definition = null, string? stage = null) =>
        SalesOpportunity.Open(Tenant, new OpportunityId("O1"),
            new SalesOpportunityDraft(new PartnerId("p1"), new Money(10_000m, CurrencyCode.EUR), new LocalDate(2027, 3, 31)) { Stage = stage },
            definition ?? PipelineDefinition.Default, "p1", _clock);

    [Fact]
    public void Open_StartsInFirstOpenStage_WithHistoryAndEvent()
    {
        var deal = NewDeal();
        Assert.Equal("Qualification", deal.Stage.Name);
        Assert.Equal(Probability.FromPercent(10), deal.Probability);
        Assert.Equal(new StageChange(null, "Qualification", _clock.GetCurrentInstant(), "p1"), Assert.Single(deal.History));
        Assert.IsType<OpportunityOpened>(Assert.Single(deal.PendingEvents));
    }

    [Fact]
    public void Open_NegativeAmount_ThrowsInvalidInputNamingAmount()
    {
        var ex = Assert.Throws<InvalidInputException>(() => SalesOpportunity.Open(Tenant, new OpportunityId("O"),
            new SalesOpportunityDraft(new PartnerId("p"), new Money(-1m, CurrencyCode.EUR), new LocalDate(2027, 1, 1)), PipelineDefinition.Default, "u", _clock));
        Assert.Equal((OpportunityErrorCodes.AmountOutOfRange, "amount"), (ex.ErrorCode, ex.Field));
    }

    [Theory]
    [InlineData(9999, 12, 31)]
    [InlineData(4730, 9, 1)]
    [InlineData(-731, 4, 30)]
    public void Open_ExpectedCloseASnapshotCannotHold_ThrowsInvalidInputNamingExpectedClose(int year, int month, int day)
    {
        var ex = Assert.Throws<InvalidInputException>(() => SalesOpportunity.Open(Tenant, new OpportunityId("O"),
            new SalesOpportunityDraft(new PartnerId("p"), new Money(1m, CurrencyCode.EUR), new LocalDate(year, month, day)), PipelineDefinition.Default, "u", _clock));
        Assert.Equal((OpportunityErrorCodes.CloseDateOutOfRange, "expectedClose"), (ex.ErrorCode, ex.Field));
    }

    [Fact]
    public void ChangeExpectedClose_ToADateASnapshotCannotHold_IsRefusedAndTheDateKept()
    {
        var deal = NewDeal();

        var ex = Assert.Throws<InvalidInputException>(() => deal.ChangeExpectedClose(new LocalDate(9999, 12, 31), "p1", _clock));

        Assert.Equal((OpportunityErrorCodes.CloseDateOutOfRange, "expectedClose"), (ex.ErrorCode, ex.Field));
        Assert.Equal(new LocalDate(2027, 3, 31), deal.ExpectedClose);
    }

    [Fact]
    public void ExpectedClose_AtTheEdgesOfTheSnapshotRange_IsAcceptedAndForecast()
    {
        foreach (var date in new[] { new LocalDate(4730, 8, 31), new LocalDate(-731, 5, 1) })
        {
            var deal = NewDeal();
            deal.ChangeExpectedClose(date, "p1", _clock);
            var builder = new Opportunity.Forecasting.PipelineSnapshotBuilder();
            builder.Add(deal);
            Assert.Equal(1, builder.Build().Count);
        }
    }

    [Fact]
    public void Open_InClosedStage_IsRefused()
    {
        Assert.Equal(OpportunityErrorCodes.OpenInClosedStage, Assert.Throws<DomainRuleException>(() => NewDeal(stage: "Closed won")).ErrorCode);
    }

    [Fact]
    public void MoveToStage_RecordsHistory_AndClearsProbabilityOverride()
    {
        var deal = NewDeal();
        deal.OverrideProbability(Probability.FromPercent(35), "p1", _clock);
        Assert.Equal(Probability.FromPercent(35), deal.Probability);
        _clock.AdvanceHours(1);
        deal.MoveToStage("Proposal", "p1", _clock);
        Assert.Null(deal.ProbabilityOverride);
        Assert.Equal(Probability.FromPercent(50), deal.Probability);
        Assert.Equal(new StageChange("Qualification", "Proposal", _clock.GetCurrentInstant(), "p1"), deal.History[^1]);
        Assert.Equal(_clock.GetCurrentInstant(), deal.StageEnteredAt);
    }

    [Fact]
    public void MoveToStage_ClosedStage_RequiresCloseWithReason()
    {
        var deal = NewDeal();
        Assert.Equal(OpportunityErrorCodes.CloseWithReason, Assert.Throws<DomainRuleException>(() => deal.MoveToStage("Closed won", "p1", _clock)).ErrorCode);
        Assert.Throws<UnknownStageException>(() => deal.MoveToStage("Demo", "p1", _clock));
    }

    [Fact]
    public void MoveToStage_ForwardWithUnmetExitCriteria_IsRefused_BackwardIsAllowed()
    {
        var definition = PipelineDefinition.Create("gated",
        [
            new Stage("Discovery", Probability.FromPercent(10), ForecastCategory.Pipeline) { ExitCriteria = ["Budget confirmed", "Decision maker met"] },
            new Stage("Offer", Probability.FromPercent(50), ForecastCategory.BestCase),
            new Stage("Won", Probability.One, ForecastCategory.Closed, StageKind.Won),
            new Stage("Lost", Probability.Zero, ForecastCategory.Omitted, StageKind.Lost),
        ]);
        var deal = NewDeal(definition);
        var ex = Assert.Throws<DomainRuleException>(() => deal.MoveToStage("Offer", "p1", _clock));
        Assert.Equal(OpportunityErrorCodes.StageExitCriteriaNotMet, ex.ErrorCode);
        Assert.Contains("Budget confirmed, Decision maker met", ex.Message, StringComparison.Ordinal);

        deal.MarkCriterionMet("budget confirmed", "p1", _clock);
        Assert.Throws<DomainRuleException>(() => deal.MoveToStage("Offer", "p1", _clock));
        deal.MarkCriterionMet("Decision maker met", "p1", _clock);
        deal.MoveToStage("Offer", "p1", _clock);
        Assert.Equal("Offer", deal.Stage.Name);
        Assert.Empty(deal.MetCriteria);

        deal.MoveToStage("Discovery", "p1", _clock); // backward: no gate
        Assert.Equal("Discovery", deal.Stage.Name);
        var unknown = Assert.Throws<InvalidInputException>(() => deal.MarkCriterionMet("Coffee", "p1", _clock));
        Assert.Equal((OpportunityErrorCodes.UnknownExitCriterion, "criterion"), (unknown.ErrorCode, unknown.Field));
    }

    [Fact]
    public void CloseWon_RequiresReason_AndBlocksFurtherChanges()
    {
        var deal = NewDeal();
        Assert.Equal("reason", Assert.Throws<ArgumentException>(() => deal.CloseWon("  ", "p1", _clock)).ParamName);
        deal.CloseWon("Best service offer", "p1", _clock);
        Assert.True(deal.IsClosed);
        Assert.Equal(Probability.One, deal.Probability);
        Assert.Equal(ForecastCategory.Closed, deal.ForecastCategory);
        Assert.Equal("Best service offer", deal.CloseReason);
        var closed = Assert.IsType<OpportunityClosed>(deal.PendingEvents[^1]);
        Assert.Equal(StageKind.Won, closed.Outcome);
        var ex = Assert.Throws<InvalidStateTransitionException>(() => deal.ChangeAmount(new Money(1m, CurrencyCode.EUR), "p1", _clock));
        Assert.Equal("Closed won", ex.CurrentState);
        Assert.Equal("ChangeAmount", ex.AttemptedMove);
        Assert.Throws<InvalidStateTransitionException>(() => deal.CloseLost("x", "p1", _clock));
    }

    [Fact]
    public void Reopen_ClosedDeal_RecordsWhy_AndOpenDealCannotReopen()
    {
        var deal = NewDeal();
        Assert.Throws<InvalidStateTransitionException>(() => deal.Reopen("Proposal", "why", "u", _clock));
        deal.CloseLost("Price", "p1", _clock);
        Assert.Equal(Probability.Zero, deal.Probability);
        deal.Reopen("Proposal", "Customer came back", "manager", _clock);
        Assert.False(deal.IsClosed);
        Assert.Null(deal.CloseReason);
        Assert.Equal(["Qualification", "Closed lost", "Proposal"], deal.History.Select(h => h.To));
        Assert.Equal("Customer came back", Assert.IsType<OpportunityReopened>(deal.PendingEvents[^1]).Reason);
        Assert.Equal(OpportunityErrorCodes.ReopenInClosedStage, Assert.Throws<DomainRuleException>(() => { deal.CloseLost("x", "u", _clock); deal.Reopen("Closed won", "y", "u", _clock); }).ErrorCode);
    }

    [Fact]
    public void ChangeAmount_OtherCurrency_Throws()
    {
        var deal = NewDeal();
        Assert.Throws<CurrencyMismatchException>(() => deal.ChangeAmount(new Money(5m, CurrencyCode.USD), "p1", _clock));
    }

    [Fact]
    public void ForecastCategoryOverride_WinsOverStageCategory()
    {
        var deal = NewDeal();
        deal.OverrideForecastCategory(ForecastCategory.Commit, "manager", _clock);
        Assert.Equal(ForecastCategory.Commit, deal.ForecastCategory);
        deal.OverrideForecastCategory(null, "manager", _clock);
        Assert.Equal(ForecastCategory.Pipeline, deal.ForecastCategory);
    }

    [Fact]
    public void FromSnapshot_UnknownStage_Throws()
    {
        var snapshot = NewDeal().ToSnapshot() with { Stage = "Demo" };
        Assert.Throws<UnknownStageException>(() => SalesOpportunity.FromSnapshot(snapshot, PipelineDefinition.Default));
    }
}
