using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Pipelines;

public sealed class PipelineDefinitionTests
{
    private static Stage Open(string name, int percent) => new(name, Probability.FromPercent(percent), ForecastCategory.Pipeline);

    private static Stage Won => new("Won", Probability.One, ForecastCategory.Closed, StageKind.Won);

    private static Stage Lost => new("Lost", Probability.Zero, ForecastCategory.Omitted, StageKind.Lost);

    [Fact]
    public void Default_HasTheSixDocumentedStages()
    {
        var d = PipelineDefinition.Default;
        Assert.Equal(["Qualification", "Needs analysis", "Proposal", "Negotiation", "Closed won", "Closed lost"], d.Stages.Select(s => s.Name));
        Assert.Equal([1000, 2000, 5000, 8000, 10000, 0], d.Stages.Select(s => s.DefaultProbability.BasisPoints));
        Assert.Equal("Closed won", d.WonStage.Name);
        Assert.Equal(ForecastCategory.Commit, d.GetStage("negotiation").ForecastCategory);
    }

    [Fact]
    public void Validate_DuplicateName_NamesTheStage()
    {
        var result = PipelineDefinition.Validate("x", [Open("Demo", 10), Open("demo", 20), Won, Lost]);
        var error = Assert.Single(result.Errors);
        Assert.Equal("stage 'demo'", error.Location);
    }

    [Fact]
    public void Validate_NoWonOrTwoWon_IsRejected()
    {
        Assert.Contains(PipelineDefinition.Validate("x", [Open("A", 10), Lost]).Errors, e => e.Message.Contains("found 0", StringComparison.Ordinal));
        Assert.Contains(PipelineDefinition.Validate("x", [Open("A", 10), Won, Won with { Name = "Won2" }, Lost]).Errors, e => e.Message.Contains("found 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoLost_IsRejected()
    {
        Assert.Contains(PipelineDefinition.Validate("x", [Open("A", 10), Won]).Errors, e => e.Message.Contains("lost", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WonBelowHundredPercent_NamesTheStage()
    {
        var errors = PipelineDefinition.Validate("x", [Open("A", 10), Won with { DefaultProbability = Probability.FromPercent(90) }, Lost]).Errors;
        Assert.Equal("stage 'Won'", Assert.Single(errors).Location);
    }

    [Fact]
    public void Create_Invalid_ThrowsWithEveryError()
    {
        var ex = Assert.Throws<InputValidationException>(() => PipelineDefinition.Create(" ", [Open("", 10)]));
        Assert.True(ex.Errors.Count >= 3);
        Assert.Contains(ex.Errors, e => e.Location == "id");
        Assert.Contains(ex.Errors, e => e.Location == "stages[0]");
    }

    [Fact]
    public void GetStage_Unknown_ThrowsTypedErrorNamingStageAndPipeline()
    {
        var ex = Assert.Throws<UnknownStageException>(() => PipelineDefinition.Default.GetStage("Demo"));
        Assert.Equal("Demo", ex.StageName);
        Assert.Equal("default", ex.DefinitionId);
    }

    [Fact]
    public void Catalog_AlwaysHasDefault_AndResolvesOthers()
    {
        var custom = PipelineDefinition.Create("solar", [Open("Site visit", 30), Won, Lost]);
        var catalog = new PipelineCatalog([custom]);
        Assert.Same(PipelineDefinition.Default, catalog.Get("default"));
        Assert.Same(custom, catalog.Get("solar"));
        var ex = Assert.Throws<EntityNotFoundException>(() => catalog.Get("wind"));
        Assert.Equal((OpportunityErrorCodes.PipelineNotFound, "PipelineDefinition", "wind"), (ex.ErrorCode, ex.Kind, ex.Id));
    }
}
