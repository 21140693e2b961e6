using NodaTime.Text;

namespace Opportunity.Pipelines;

public sealed partial class SalesOpportunity
{
    /// <summary>An opportunity's audited fields: partner, stage, amount, expected close date and whether its SLA clock is paused.</summary>
    protected override IReadOnlyList<(HistoryField Field, string? Value)> AuditedValues() =>
    [
        (HistoryField.Owner, _s.Partner.Value),
        (HistoryField.Stage, _s.Stage),
        (HistoryField.Amount, _s.Amount.ToString()),
        (HistoryField.CloseDate, LocalDatePattern.Iso.Format(_s.ExpectedClose)),
        (HistoryField.SlaClock, _s.ClockPause is null ? null : "Paused"),
    ];
}
