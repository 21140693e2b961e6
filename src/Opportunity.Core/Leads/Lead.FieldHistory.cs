namespace Opportunity.Leads;

public sealed partial class Lead
{
    /// <summary>A lead's audited fields: its state and the partner holding it.</summary>
    protected override IReadOnlyList<(HistoryField Field, string? Value)> AuditedValues() =>
        [(HistoryField.State, _s.State.ToString()), (HistoryField.Owner, _s.AssignedPartner?.Value)];
}
