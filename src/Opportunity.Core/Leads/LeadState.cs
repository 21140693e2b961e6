namespace Opportunity.Leads;

/// <summary>Where a lead is in its life. See docs/concepts.md for the allowed moves.</summary>
public enum LeadState
{
    /// <summary>Just captured; not yet qualified.</summary>
    Captured = 0,

    /// <summary>Need, budget, authority and timing confirmed; ready to route.</summary>
    Qualified = 1,

    /// <summary>Offered to a partner; the acceptance SLA clock is running.</summary>
    Assigned = 2,

    /// <summary>The partner accepted it and works it.</summary>
    Accepted = 3,

    /// <summary>Turned into a sales opportunity (terminal).</summary>
    Converted = 4,

    /// <summary>The last partner rejected it (reason recorded); waiting to be re-routed.</summary>
    Rejected = 5,

    /// <summary>The last partner let the acceptance SLA run out; the lead was recalled and waits to be re-routed.</summary>
    SlaExpired = 6,

    /// <summary>No partner matched; it sits in the manufacturer's own queue.</summary>
    Unroutable = 7,

    /// <summary>Not a real opportunity (reason recorded; terminal).</summary>
    Disqualified = 8,

    /// <summary>Broadcast to several partners at once; the first to accept wins, the other offers are withdrawn.</summary>
    Offered = 9,

    /// <summary>A deal registered by a partner, waiting for the manufacturer to approve or reject it.</summary>
    PendingApproval = 10,

    /// <summary>An approved deal registration whose protection ended before it was converted or extended; the partner no longer holds it.</summary>
    RegistrationExpired = 11,

    /// <summary>Recycled (from Rejected, SlaExpired, Unroutable, Disqualified or RegistrationExpired, or a lost deal): rests for the cooldown, then goes back into distribution.</summary>
    Nurture = 12,

    /// <summary>Merged into another lead as its duplicate (<see cref="Lead.MergedInto"/>; terminal). Its history stays readable under its own id.</summary>
    Merged = 13,
}
