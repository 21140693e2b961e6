using System.Collections.Concurrent;

namespace Opportunity.Pipelines;

/// <summary>
/// The pipeline definitions in use, by id. Stores use it to rebuild opportunities; it always
/// contains <see cref="PipelineDefinition.Default"/>. Thread-safe.
/// </summary>
public sealed class PipelineCatalog
{
    private readonly ConcurrentDictionary<string, PipelineDefinition> _definitions = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog holding the default definition and any given ones.</summary>
    public PipelineCatalog(IEnumerable<PipelineDefinition>? definitions = null)
    {
        Add(PipelineDefinition.Default);
        foreach (var definition in definitions ?? [])
        {
            Add(definition);
        }
    }

    /// <summary>All definitions.</summary>
    public IReadOnlyCollection<PipelineDefinition> All => [.. _definitions.Values];

    /// <summary>Adds or replaces a definition.</summary>
    public void Add(PipelineDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definitions[definition.Id] = definition;
    }

    /// <summary>The definition with this id.</summary>
    /// <exception cref="EntityNotFoundException">Unknown id (<see cref="OpportunityErrorCodes.PipelineNotFound"/>).</exception>
    public PipelineDefinition Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _definitions.TryGetValue(id, out var definition)
            ? definition
            : throw new EntityNotFoundException(OpportunityErrorCodes.PipelineNotFound, nameof(PipelineDefinition), id, $"Pipeline definition '{id}' is not registered; add it to the PipelineCatalog.");
    }
}
