using System.Text;

namespace Opportunity.Leads;

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
    public static DuplicateKeys Of(LeadDetails details, DuplicatePolicy policy) => Normalised(details).SelectedBy(policy);

    /// <summary>
    /// These keys as <paramref name="policy"/> matches on: the keys it selects, free-mail domains left out.
    /// <see cref="Of"/> applies it to a lead's keys, duplicate detection to a deal's stored customer keys.
    /// </summary>
    public DuplicateKeys SelectedBy(DuplicatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new DuplicateKeys(
            (policy.MatchOn & DuplicateMatchKeys.Company) != 0 ? Company : null,
            (policy.MatchOn & DuplicateMatchKeys.EmailDomain) != 0 && EmailDomain is { } domain && !policy.FreeMailDomains.Contains(domain) ? domain : null,
            (policy.MatchOn & DuplicateMatchKeys.Phone) != 0 ? Phone : null);
    }

    /// <summary>
    /// Every key of <paramref name="details"/>, whatever a <see cref="DuplicatePolicy"/> selects and
    /// free-mail domains included: what a store indexes when it writes a lead (see
    /// <see cref="Persistence.ILeadStore.FindDuplicateCandidatesAsync"/>). <see cref="Of"/> is these keys
    /// filtered by a policy, so both always agree.
    /// </summary>
    public static DuplicateKeys Normalised(LeadDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return new DuplicateKeys(NormaliseCompany(details.Company), EmailDomainOf(details.Contact.Email), NormalisePhone(details.Contact.Phone));
    }

    /// <summary>
    /// The customer keys of a deal opened without a lead (directly or by import): the same
    /// normalisation as <see cref="Normalised"/>, so a deal and a lead of one customer share keys.
    /// <paramref name="emailOrDomain"/> may be an address (<c>jane@acme.de</c>) or a bare domain
    /// (<c>acme.de</c>). Normalising keys again changes nothing, so stored keys pass through unchanged.
    /// </summary>
    public static DuplicateKeys OfCustomer(string? company, string? emailOrDomain, string? phone) =>
        new(NormaliseCompany(company), EmailDomainOf(emailOrDomain is null || emailOrDomain.Contains('@', StringComparison.Ordinal) ? emailOrDomain : "@" + emailOrDomain), NormalisePhone(phone));

    /// <summary>
    /// True when at least one key of <paramref name="candidate"/> that is not null equals the same
    /// key here: the lookup a store answers with <see cref="Persistence.ILeadStore.FindDuplicateCandidatesAsync"/>.
    /// </summary>
    public bool SharesAnyWith(DuplicateKeys candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return (candidate.Company is not null && candidate.Company == Company)
            || (candidate.EmailDomain is not null && candidate.EmailDomain == EmailDomain)
            || (candidate.Phone is not null && candidate.Phone == Phone);
    }

    /// <summary>True when no key is known.</summary>
    [System.Text.Json.Serialization.JsonIgnore] // derived: a stored deal's customerKeys hold the three keys only
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
