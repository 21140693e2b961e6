namespace Opportunity;

/// <summary>
/// Thrown by a store when an aggregate is saved with a version that is no longer current: somebody
/// else saved it first, or an aggregate with its id exists already. Nothing was written; reload the
/// aggregate and apply the change again (<see cref="OpportunityErrorCodes.ConcurrencyConflict"/>).
/// </summary>
public sealed class ConcurrencyException : ConflictException
{
    /// <summary>Creates the exception for one aggregate.</summary>
    public ConcurrencyException(string aggregateKind, string aggregateId, long expectedVersion, long? actualVersion)
        : base(OpportunityErrorCodes.ConcurrencyConflict, actualVersion is null
            ? $"{aggregateKind} '{aggregateId}' was saved with version {expectedVersion} but does not exist in the store."
            : $"{aggregateKind} '{aggregateId}' was saved with version {expectedVersion} but the store holds version {actualVersion}; reload and retry.")
    {
        AggregateKind = aggregateKind;
        AggregateId = aggregateId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The kind of aggregate, e.g. <c>SalesOpportunity</c>.</summary>
    public string AggregateKind { get; }

    /// <summary>The aggregate's id.</summary>
    public string AggregateId { get; }

    /// <summary>The version the writer based its change on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version in the store, or null when the aggregate is missing.</summary>
    public long? ActualVersion { get; }
}
