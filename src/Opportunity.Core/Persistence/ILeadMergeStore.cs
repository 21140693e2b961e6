using Opportunity.Leads;

namespace Opportunity.Persistence;

/// <summary>
/// Saves a merge of two leads (<see cref="Lead.MergeIn"/>) as one atomic unit. Implement it on the
/// object that implements <see cref="ILeadStore"/> (every built-in store does):
/// <c>LeadIntakeService.MergeAsync</c> needs it and refuses to merge without it, because two
/// separate saves leave a duplicate pointing to a survivor that does not list it (or the reverse)
/// after a crash between them.
/// </summary>
public interface ILeadMergeStore
{
    /// <summary>
    /// In one transaction: saves <paramref name="survivor"/> and <paramref name="merged"/>, each
    /// version-checked, and writes both leads' pending events to the outbox; afterwards both versions
    /// are one higher. Nothing is written when either check fails.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="merged"/> is not <see cref="LeadState.Merged"/> into <paramref name="survivor"/>, or the tenants differ.</exception>
    /// <exception cref="ConcurrencyException">A stored version differs: somebody saved first; nothing was written.</exception>
    Task MergeAsync(Lead survivor, Lead merged, CancellationToken cancellationToken = default);
}
