namespace Opportunity.Persistence;

/// <summary>The kinds of stored record a store can quarantine (see <see cref="IRecordQuarantine"/>).</summary>
public enum StoredRecordKind
{
    /// <summary>A <see cref="Leads.Lead"/>.</summary>
    Lead = 0,

    /// <summary>A <see cref="SalesOpportunity"/>.</summary>
    SalesOpportunity = 1,
}
