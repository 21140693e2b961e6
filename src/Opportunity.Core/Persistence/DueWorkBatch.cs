namespace Opportunity.Persistence;

/// <summary>
/// What one due-work claim returned: the items leased to the claimant, and the records the claim
/// found unreadable and quarantined in the same transaction instead (so no later claim returns them).
/// </summary>
/// <typeparam name="T">The aggregate type.</typeparam>
/// <param name="Items">The claimed items, oldest due first.</param>
/// <param name="Quarantined">The records set aside by this claim; empty when every due row was readable.</param>
public sealed record DueWorkBatch<T>(IReadOnlyList<T> Items, IReadOnlyList<QuarantinedRecord> Quarantined)
{
    /// <summary>How many due rows the claim took: items plus quarantined records (at most the claim's batch size).</summary>
    public int Taken => Items.Count + Quarantined.Count;
}
