namespace Opportunity;

/// <summary>
/// Thrown when an aggregate (a sum, a variance, a simulated total) of valid deals does not fit the
/// type it is reported in. <see cref="Group"/> names the group (e.g. <c>currency EUR</c> or
/// <c>partner P-7, stage Proposal, currency EUR</c>) so the deals concerned can be found
/// (<see cref="OpportunityErrorCodes.AggregateOverflow"/>; a fault of the server, not of a request). Every aggregate over
/// up to 10^9 deals of at most <see cref="Money.MaxDealMinorUnits"/> each is exact; only
/// Monte Carlo totals (64-bit per trial) and variances beyond the decimal range can raise it.
/// </summary>
public sealed class AggregateOverflowException : OpportunityException
{
    /// <summary>Creates the exception for a group.</summary>
    public AggregateOverflowException(string group, string message, Exception? innerException = null)
        : base(OpportunityErrorCodes.AggregateOverflow, $"{group}: {message}", innerException: innerException)
    {
        Group = group;
    }

    /// <summary>The group whose aggregate overflowed, e.g. <c>currency EUR</c>.</summary>
    public string Group { get; }
}
