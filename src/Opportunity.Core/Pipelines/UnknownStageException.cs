namespace Opportunity.Pipelines;

/// <summary>Thrown when a stage name is not part of the pipeline definition used.</summary>
public sealed class UnknownStageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UnknownStageException(string definitionId, string stageName)
        : base($"Stage '{stageName}' is not a stage of pipeline '{definitionId}'.", "stage")
    {
        DefinitionId = definitionId;
        StageName = stageName;
    }

    /// <summary>The pipeline definition's id.</summary>
    public string DefinitionId { get; }

    /// <summary>The unknown stage name.</summary>
    public string StageName { get; }
}
