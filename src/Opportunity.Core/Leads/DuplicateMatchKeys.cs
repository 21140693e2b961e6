namespace Opportunity.Leads;

/// <summary>Which normalised keys make two leads the same deal; combine with <c>|</c>.</summary>
[Flags]
public enum DuplicateMatchKeys
{
    /// <summary>No duplicate detection.</summary>
    None = 0,

    /// <summary>Company name, lower-cased, punctuation and legal forms (GmbH, Inc., Ltd …) removed.</summary>
    Company = 1,

    /// <summary>The contact's e-mail domain, except free-mail domains.</summary>
    EmailDomain = 2,

    /// <summary>The phone number's last nine digits (at least six digits).</summary>
    Phone = 4,

    /// <summary>All keys.</summary>
    All = Company | EmailDomain | Phone,
}
