using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Opportunity.Leads;

namespace Opportunity.Core.Tests.Leads;

/// <summary>The invariants that let a deal's stored customer keys match leads: one normaliser, idempotent, policy-filtered alike.</summary>
public sealed class CustomerKeyProperties
{
    private static readonly string?[] Companies = ["ACME Heizung GmbH & Co. KG", "acme heizung", "Bäckerei Müller e.V.", "The Zeta Corp.", "GmbH", " ", "Ünïcode Ltd", null, "Café 24/7 SARL"];
    private static readonly string[] Emails = ["Jane@Sales.ACME.de", "b@gmail.com", "x@", "no-at", "a@b.c."];
    private static readonly string[] Phones = ["+49 (89) 123-4567", "0049 89 1234567", "12345", "+1 555 010 0199 x12"];

    /// <summary>
    /// A deal opened with the keys of a lead (as a conversion does) holds exactly the lead's keys, so normalising
    /// again changes nothing, and a lead with those details always shares every key with the deal.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property OfCustomer_OfALeadsOwnKeys_IsIdempotentAndSharesEveryKey(NonNegativeInt c, NonNegativeInt e, NonNegativeInt p)
    {
        var company = Companies[c.Get % Companies.Length];
        var details = new LeadDetails
        {
            Source = "web",
            Company = company,
            Contact = new LeadContact("Jane", Emails[e.Get % Emails.Length], Phones[p.Get % Phones.Length]),
        };
        var lead = DuplicateKeys.Normalised(details);
        var deal = DuplicateKeys.OfCustomer(lead.Company, lead.EmailDomain, lead.Phone);
        var email = details.Contact.Email!;
        var fromRaw = DuplicateKeys.OfCustomer(company, email.Contains('@', StringComparison.Ordinal) ? email : null, details.Contact.Phone); // a bare word is a domain to OfCustomer
        var matched = DuplicateKeys.Of(details, DuplicatePolicy.Default);
        return (deal == lead
                && fromRaw == lead
                && (matched.IsEmpty || matched.SharesAnyWith(deal.SelectedBy(DuplicatePolicy.Default))))
            .Label($"company={company}, lead={lead}, deal={deal}, raw={fromRaw}");
    }
}
