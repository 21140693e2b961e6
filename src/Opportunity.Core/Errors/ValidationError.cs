namespace Opportunity;

/// <summary>One problem found while validating input: where (a field, JSON path, CSV line and column, stage name) and what.</summary>
/// <param name="Location">Where the problem is, e.g. <c>stages[2].probability</c> or <c>line 14, column amount</c>.</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record ValidationError(string Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}
