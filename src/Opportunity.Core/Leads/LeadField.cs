namespace Opportunity.Leads;

/// <summary>Fields of a lead a partner may see; combine with <c>|</c>. Used by <see cref="LeadPrivacyPolicy"/>.</summary>
[Flags]
public enum LeadField
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Where the lead came from.</summary>
    Source = 1 << 0,

    /// <summary>The prospect's company name.</summary>
    Company = 1 << 1,

    /// <summary>The contact person's name.</summary>
    ContactName = 1 << 2,

    /// <summary>The contact's e-mail address.</summary>
    ContactEmail = 1 << 3,

    /// <summary>The contact's phone number.</summary>
    ContactPhone = 1 << 4,

    /// <summary>The country.</summary>
    Country = 1 << 5,

    /// <summary>The leading characters of the postal code (see <see cref="LeadPrivacyPolicy.PostalAreaLength"/>): the region, not the street.</summary>
    PostalArea = 1 << 6,

    /// <summary>The full postal code.</summary>
    PostalCode = 1 << 7,

    /// <summary>The city.</summary>
    City = 1 << 8,

    /// <summary>The coordinates.</summary>
    Coordinates = 1 << 9,

    /// <summary>The product line of interest.</summary>
    ProductInterest = 1 << 10,

    /// <summary>The preferred language.</summary>
    Language = 1 << 11,

    /// <summary>The estimated deal value (the size of the deal).</summary>
    EstimatedValue = 1 << 12,

    /// <summary>All contact data: name, e-mail, phone.</summary>
    Contact = ContactName | ContactEmail | ContactPhone,

    /// <summary>Everything.</summary>
    All = Source | Company | Contact | Country | PostalArea | PostalCode | City | Coordinates | ProductInterest | Language | EstimatedValue,
}
