using NodaTime.Text;

namespace Opportunity.Pipelines;

public sealed partial class SalesOpportunity
{
    /// <summary>An opportunity's audited fields: partner, stage, amount and expected close date.</summary>
    protected override IReadOnlyList<(HistoryField Field, string? Value)> AuditedValues() =>
    [
        (HistoryField.Owner, _s.Partner.Value),
        (HistoryField.Stage, _s.Stage),
        (HistoryField.Amount, _s.Amount.ToString()),
        (HistoryField.CloseDate, LocalDatePattern.Iso.Format(_s.ExpectedClose)),
    ];
}
