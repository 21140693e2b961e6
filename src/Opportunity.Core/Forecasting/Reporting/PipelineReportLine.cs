namespace Opportunity.Forecasting;

/// <summary>One line of a <see cref="PipelineReport"/>: a group's deal count, amount and weighted amount in the report's currency.</summary>
/// <param name="Key">The group's label (<c>First</c> or <c>First / Second</c>), or <c>Total</c>.</param>
/// <param name="Count">Number of deals.</param>
/// <param name="Amount">The amount, converted once and rounded once, half to even.</param>
/// <param name="Weighted">The weighted amount, converted once and rounded once, half to even.</param>
public sealed record PipelineReportLine(string Key, long Count, Money Amount, Money Weighted);
