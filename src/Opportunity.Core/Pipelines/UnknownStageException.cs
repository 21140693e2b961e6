namespace Opportunity.Pipelines;

/// <summary>Thrown when a stage name is not part of the pipeline definition used (<see cref="OpportunityErrorCodes.UnknownStage"/>, field <c>stage</c>).</summary>
public sealed class UnknownStageException : InvalidInputException
{
    /// <summary>Creates the exception.</summary>
    public UnknownStageException(string definitionId, string stageName)
        : base(OpportunityErrorCodes.UnknownStage, "stage", $"Stage '{stageName}' is not a stage of pipeline '{definitionId}'.")
    {
        DefinitionId = definitionId;
        StageName = stageName;
    }

    /// <summary>The pipeline definition's id.</summary>
    public string DefinitionId { get; }

    /// <summary>The unknown stage name.</summary>
    public string StageName { get; }
}
