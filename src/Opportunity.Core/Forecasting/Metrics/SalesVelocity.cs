namespace Opportunity.Forecasting;

/// <summary>
/// Sales velocity = open deals × average won amount × win rate ÷ average sales cycle (days): the
/// money the pipeline turns into per day at its current pace. Computed in exact decimals and
/// rounded once, half to even.
/// </summary>
/// <param name="OpenOpportunities">Deals open at the end of the window.</param>
/// <param name="WonOpportunities">Deals won in the window.</param>
/// <param name="LostOpportunities">Deals lost in the window.</param>
/// <param name="AverageWonAmount">Mean amount of the won deals (rounded for display; the velocity uses the exact mean).</param>
/// <param name="WinRate">Won ÷ (won + lost).</param>
/// <param name="AverageCycleDays">Mean days from opening to winning, over the won deals.</param>
/// <param name="PerDay">The velocity: amount per day.</param>
public sealed record SalesVelocity(int OpenOpportunities, int WonOpportunities, int LostOpportunities, Money AverageWonAmount, decimal WinRate, decimal AverageCycleDays, Money PerDay);
