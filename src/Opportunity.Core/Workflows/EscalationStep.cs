using NodaTime;

namespace Opportunity.Workflows;

/// <summary>One rung of an <see cref="EscalationLadder"/>: after this much of the partner's working time without a reaction, do this.</summary>
public sealed record EscalationStep
{
    /// <summary>Creates a step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The working time is not positive.</exception>
    public EscalationStep(Duration after, EscalationAction action)
    {
        if (after <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(after), after, "An escalation step must come after a positive amount of working time.");
        }

        if (!Enum.IsDefined(action))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown escalation action.");
        }

        After = after;
        Action = action;
    }

    /// <summary>Working time (in the partner's business calendar) after the assignment.</summary>
    public Duration After { get; }

    /// <summary>What to do.</summary>
    public EscalationAction Action { get; }
}
