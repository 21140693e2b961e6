using NodaTime;

namespace Opportunity.Leads;

public sealed partial class Lead
{
    /// <summary>When the lead's contact data was erased (<see cref="ErasePersonalData"/>); null while it is kept.</summary>
    public Instant? ErasedAt => _s.ErasedAt;

    /// <summary>
    /// Erases the prospect's contact data: the contact (name, e-mail, phone), the company and the
    /// location below the country (postal code, city, coordinates), and the free text of its activities
    /// (subjects and outcomes; kinds and times stay). State, dates, the estimated value,
    /// source, product interest, language, qualification and the routing history stay, so the lead still
    /// counts in every KPI. Raises <see cref="PersonalDataErased"/>, the audit record. Returns false,
    /// changing nothing, when the lead was erased before.
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
        _s = _s with
        {
            Details = _s.Details with { Contact = LeadContact.None, Company = null, Location = new LeadLocation(_s.Details.Location.Country) },
            Activities = SalesActivityLog.Erase(_s.Activities, ErasedMark),
            ErasedAt = now,
        };
        Raise(new PersonalDataErased(why), now, who);
        return true;
    }
}
