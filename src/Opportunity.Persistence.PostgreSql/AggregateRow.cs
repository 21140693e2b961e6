namespace Opportunity.Persistence.PostgreSql;

/// <summary>One aggregate's row as a write sees it: the aggregate, its table, its document and its indexed columns.</summary>
internal readonly record struct AggregateRow(AggregateRoot Aggregate, string Table, string Document, IReadOnlyList<(string Column, object? Value)> Columns);
