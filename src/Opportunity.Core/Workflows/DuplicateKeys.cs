using System.Text;
using Opportunity.Leads;

namespace Opportunity.Workflows;

/// <summary>The normalised matching keys of a lead: equal keys mean the same deal.</summary>
/// <param name="Company">Normalised company name.</param>
/// <param name="EmailDomain">E-mail domain (not a free-mail one).</param>
/// <param name="Phone">Last nine digits of the phone number.</param>
public sealed record DuplicateKeys(string? Company, string? EmailDomain, string? Phone)
{
    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal)
    {
        "gmbh", "mbh", "ag", "kg", "ohg", "ug", "se", "co", "kgaa", "ev", "inc", "llc", "ltd", "limited", "plc", "corp", "corporation",
        "company", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as", "oy", "the", "und", "and",
    };

    /// <summary>The keys of <paramref name="details"/> selected by <paramref name="policy"/>.</summary>
    public static DuplicateKeys Of(LeadDetails details, DuplicatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(policy);
        var domain = (policy.MatchOn & DuplicateMatchKeys.EmailDomain) != 0 ? EmailDomainOf(details.Contact.Email) : null;
        return new DuplicateKeys(
            (policy.MatchOn & DuplicateMatchKeys.Company) != 0 ? NormaliseCompany(details.Company) : null,
            domain is not null && !policy.FreeMailDomains.Contains(domain) ? domain : null,
            (policy.MatchOn & DuplicateMatchKeys.Phone) != 0 ? NormalisePhone(details.Contact.Phone) : null);
    }

    /// <summary>True when no key is known.</summary>
    public bool IsEmpty => Company is null && EmailDomain is null && Phone is null;

    /// <summary>"ACME Heizungsbau GmbH &amp; Co. KG" → "acme heizungsbau"; null when nothing is left.</summary>
    public static string? NormaliseCompany(string? company)
    {
        if (string.IsNullOrWhiteSpace(company))
        {
            return null;
        }

        var cleaned = new StringBuilder(company.Length);
        foreach (var c in company.Normalize(NormalizationForm.FormKD))
        {
            if (char.IsLetterOrDigit(c))
            {
                cleaned.Append(char.ToLowerInvariant(c));
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                cleaned.Append(' ');
            }
        }

        var words = cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !LegalForms.Contains(w)).ToList();
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    /// <summary>"Jane@Sales.ACME.de" → "sales.acme.de"; null without a domain.</summary>
    public static string? EmailDomainOf(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (email is null || at < 0 || at == email.Length - 1)
        {
            return null;
        }

        var domain = email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        return domain.Length == 0 ? null : domain;
    }

    /// <summary>"+49 (89) 123-4567" → its last nine digits; null with fewer than six digits.</summary>
    public static string? NormalisePhone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        return digits.Length < 6 ? null : digits.Length > 9 ? digits[^9..] : digits;
    }

    /// <summary>The keys both share, e.g. <c>company, emailDomain</c>; empty when none.</summary>
    public string SharedWith(DuplicateKeys other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var shared = new List<string>();
        if (Company is not null && Company == other.Company)
        {
            shared.Add("company");
        }

        if (EmailDomain is not null && EmailDomain == other.EmailDomain)
        {
            shared.Add("emailDomain");
        }

        if (Phone is not null && Phone == other.Phone)
        {
            shared.Add("phone");
        }

        return string.Join(", ", shared);
    }
}
