namespace Opportunity.Leads;

/// <summary>Who to talk to at the prospect. Hidden from a partner until it accepts the lead.</summary>
/// <param name="Name">Contact person.</param>
/// <param name="Email">E-mail address.</param>
/// <param name="Phone">Phone number as entered.</param>
public sealed record LeadContact(string? Name, string? Email, string? Phone)
{
    /// <summary>No contact data.</summary>
    public static LeadContact None { get; } = new(null, null, null);
}
