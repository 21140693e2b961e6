using Opportunity.Leads;

namespace Opportunity.Workflows;

/// <summary>
/// Whose personal data <see cref="PersonalDataService.EraseCustomerAsync"/> erases: one lead (and the
/// deal it became), one opportunity (and the lead it came from), or every lead with an e-mail address
/// (and their deals), with the address replaced wherever else it is stored. With each, the deals whose
/// customer phone key is the phone of an erased lead are erased too.
/// </summary>
public sealed record ErasureTarget
{
    private ErasureTarget(LeadId? lead, OpportunityId? opportunity, string? email)
    {
        Lead = lead;
        Opportunity = opportunity;
        Email = email;
    }

    /// <summary>The lead, when erasing by lead.</summary>
    public LeadId? Lead { get; }

    /// <summary>The opportunity, when erasing by opportunity.</summary>
    public OpportunityId? Opportunity { get; }

    /// <summary>The e-mail address (trimmed), when erasing by address.</summary>
    public string? Email { get; }

    /// <summary>The lead and the opportunity it was converted to.</summary>
    public static ErasureTarget OfLead(LeadId lead) => new(lead, null, null);

    /// <summary>The opportunity and the lead it came from.</summary>
    public static ErasureTarget OfOpportunity(OpportunityId opportunity) => new(null, opportunity, null);

    /// <summary>
    /// Every lead whose contact e-mail is <paramref name="email"/> (ignoring case), their opportunities, the
    /// opportunities opened without a lead whose customer keys hold the phone of one of those leads (a
    /// deal keeps only the e-mail's domain, which colleagues share), and the address wherever else it is stored.
    /// </summary>
    /// <exception cref="InvalidInputException">Not an e-mail address (<see cref="OpportunityErrorCodes.ValidationFailed"/>, field <c>email</c>).</exception>
    public static ErasureTarget OfEmail(string email)
    {
        var address = email?.Trim();
        if (address is null || !ErasedTextRules.IsEmailAddress(address))
        {
            throw new InvalidInputException(OpportunityErrorCodes.ValidationFailed, "email", $"'{email}' is not an e-mail address: an erasure by address needs text with one '@' between a local part and a domain.");
        }

        return new(null, null, address);
    }

    /// <inheritdoc />
    public override string ToString() => Lead is { } l ? $"lead {l}" : Opportunity is { } o ? $"opportunity {o}" : "e-mail address";
}
