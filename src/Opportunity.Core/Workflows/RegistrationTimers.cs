using NodaTime;
using Opportunity.Leads;

namespace Opportunity.Workflows;

/// <summary>When an accepted lead is next due: its follow-up, and for an approved registration also its expiry warning and the end of its protection.</summary>
internal static class RegistrationTimers
{
    public static Instant? NextDue(Lead lead, Instant? followUp)
    {
        Instant? next = followUp;
        if (lead.State == LeadState.Accepted && lead.Registration is { } terms)
        {
            next = Earliest(Earliest(next, terms.ExpiryWarningAt), terms.ProtectedUntil);
        }

        return next;
    }

    private static Instant? Earliest(Instant? a, Instant? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
