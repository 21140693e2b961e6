namespace Opportunity.Import;

/// <summary>One CSV record: its fields and the physical line it starts on (1-based).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);
