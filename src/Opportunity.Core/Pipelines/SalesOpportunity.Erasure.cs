using NodaTime;

namespace Opportunity.Pipelines;

public sealed partial class SalesOpportunity
{
    /// <summary>When the deal's personal data was erased (<see cref="ErasePersonalData"/>); null while it is kept.</summary>
    public Instant? ErasedAt => _s.ErasedAt;

    /// <summary>
    /// Erases the deal's personal data: its title (<see cref="Name"/>, which often names the customer), its
    /// customer keys (<see cref="CustomerKeys"/>, so it no longer matches new leads) and the free text of its
    /// activities (subjects and outcomes; kinds and times stay). Amount, stage, probability, dates, partner, region, product line, lines and splits stay, so the deal
    /// still counts in the pipeline, the forecast and every KPI. Raises <see cref="PersonalDataErased"/>,
    /// the audit record. Returns false, changing nothing, when the deal was erased before.
    /// </summary>
    /// <param name="reason"><c>request</c> or <c>retention</c>; not empty.</param>
    /// <param name="actor">Who erases.</param>
    /// <param name="clock">The clock.</param>
    public bool ErasePersonalData(string reason, string actor, IClock clock)
    {
        var why = RequireReason(reason, nameof(reason));
        var who = RequireActor(actor);
        if (_s.ErasedAt is not null)
        {
            return false;
        }

        var now = Now(clock);
        _s = _s with { Name = null, CustomerKeys = null, Activities = SalesActivityLog.Erase(_s.Activities, ErasedMark), ErasedAt = now };
        Raise(new PersonalDataErased(why), now, who);
        return true;
    }
}
