namespace Opportunity;

/// <summary>A task on a lead or opportunity was completed with an outcome (see <see cref="DomainEvent.AggregateKind"/>).</summary>
/// <param name="Number">The task's <see cref="SalesActivity.Number"/>.</param>
/// <param name="Outcome">How it went.</param>
public sealed record SalesTaskCompleted(int Number, string Outcome) : DomainEvent;
