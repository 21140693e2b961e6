namespace Opportunity;

/// <summary>
/// Thrown when a lifecycle move is not allowed from the aggregate's current state
/// (<see cref="OpportunityErrorCodes.InvalidStateTransition"/>). HTTP: 422.
/// </summary>
public sealed class InvalidStateTransitionException : DomainRuleException
{
    /// <summary>Creates the exception naming the current state and the attempted move.</summary>
    public InvalidStateTransitionException(string aggregateKind, string aggregateId, string currentState, string attemptedMove)
        : base(OpportunityErrorCodes.InvalidStateTransition, $"{aggregateKind} '{aggregateId}' cannot {attemptedMove} while it is {currentState}.")
    {
        AggregateKind = aggregateKind;
        AggregateId = aggregateId;
        CurrentState = currentState;
        AttemptedMove = attemptedMove;
    }

    /// <summary>The kind of aggregate, e.g. <c>Lead</c>.</summary>
    public string AggregateKind { get; }

    /// <summary>The aggregate's id.</summary>
    public string AggregateId { get; }

    /// <summary>The state the aggregate was in.</summary>
    public string CurrentState { get; }

    /// <summary>The move that was refused, e.g. <c>Accept</c>.</summary>
    public string AttemptedMove { get; }
}
