namespace Opportunity.Leads;

public sealed partial class Lead
{
    /// <summary>A lead's audited fields: its state, the partner holding it and whether its SLA clock is paused.</summary>
    protected override IReadOnlyList<(HistoryField Field, string? Value)> AuditedValues() =>
        [(HistoryField.State, _s.State.ToString()), (HistoryField.Owner, _s.AssignedPartner?.Value), (HistoryField.SlaClock, _s.ClockPause is null ? null : "Paused")];
}
