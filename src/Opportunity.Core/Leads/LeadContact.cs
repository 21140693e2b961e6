namespace Opportunity.Leads;

/// <summary>Who to talk to at the prospect. Hidden from a partner until it accepts the lead.</summary>
/// <param name="Name">Contact person.</param>
/// <param name="Email">E-mail address.</param>
/// <param name="Phone">Phone number as entered.</param>
/// <exception cref="InvalidTextException">A value breaks the text rules (e.g. holds NUL or a lone surrogate).</exception>
public sealed record LeadContact(string? Name, string? Email, string? Phone)
{
    private readonly string? _name = TextRules.Optional(Name, "LeadContact.Name");
    private readonly string? _email = TextRules.Optional(Email, "LeadContact.Email");
    private readonly string? _phone = TextRules.Optional(Phone, "LeadContact.Phone");

    /// <summary>Contact person.</summary>
    public string? Name { get => _name; init => _name = TextRules.Optional(value, "LeadContact.Name"); }

    /// <summary>E-mail address.</summary>
    public string? Email { get => _email; init => _email = TextRules.Optional(value, "LeadContact.Email"); }

    /// <summary>Phone number as entered.</summary>
    public string? Phone { get => _phone; init => _phone = TextRules.Optional(value, "LeadContact.Phone"); }

    /// <summary>No contact data.</summary>
    public static LeadContact None { get; } = new(null, null, null);
}
