namespace Opportunity;

/// <summary>The fields of a lead or an opportunity whose changes the field history keeps (<see cref="FieldChange"/>).</summary>
public enum HistoryField
{
    /// <summary>A lead's <see cref="Leads.LeadState"/>, by name (e.g. <c>Assigned</c>).</summary>
    State = 0,

    /// <summary>The partner that holds the record: a lead's assigned partner, an opportunity's partner (the partner id).</summary>
    Owner = 1,

    /// <summary>An opportunity's stage, by name.</summary>
    Stage = 2,

    /// <summary>An opportunity's amount, as <see cref="Money.ToString"/> writes it (<c>1234.50 EUR</c>).</summary>
    Amount = 3,

    /// <summary>An opportunity's expected close date, ISO (<c>2025-06-30</c>).</summary>
    CloseDate = 4,

    /// <summary>The SLA clock: <c>Paused</c> while paused (<see cref="ClockPause"/>), no value while it runs.</summary>
    SlaClock = 5,
}
