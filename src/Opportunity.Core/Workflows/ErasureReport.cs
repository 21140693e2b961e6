namespace Opportunity.Workflows;

/// <summary>What one erasure or retention sweep did.</summary>
/// <param name="Leads">Leads whose contact data was erased now (not counting those erased before).</param>
/// <param name="Opportunities">Opportunities whose personal data was erased now.</param>
/// <param name="ScrubbedRows">Other stored rows (outbox messages, log entries, other documents) in which an e-mail address or phone number was replaced.</param>
public sealed record ErasureReport(int Leads, int Opportunities, int ScrubbedRows)
{
    /// <summary>Nothing was erased: nothing found, or everything erased before.</summary>
    public static ErasureReport None { get; } = new(0, 0, 0);

    /// <summary>True when the erasure changed nothing.</summary>
    public bool IsNoOp => Leads == 0 && Opportunities == 0 && ScrubbedRows == 0;

    /// <summary>The sum of two reports.</summary>
    public static ErasureReport operator +(ErasureReport left, ErasureReport right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.Leads + right.Leads, left.Opportunities + right.Opportunities, left.ScrubbedRows + right.ScrubbedRows);
    }

    /// <summary>The sum of two reports.</summary>
    public static ErasureReport Add(ErasureReport left, ErasureReport right) => left + right;
}
