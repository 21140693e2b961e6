namespace Opportunity.Leads;

/// <summary>What is known about a prospect when a lead is captured.</summary>
public sealed record LeadDetails
{
    private readonly string _source = "unknown";
    private readonly Money? _estimatedValue;
    private readonly string? _company;
    private readonly string? _productInterest;
    private readonly string? _language;

    /// <summary>Where the lead came from, e.g. <c>web-form</c>, <c>trade-show</c>; not empty.</summary>
    public string Source
    {
        get => _source;
        init => _source = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Lead source must not be empty.", nameof(Source)) : TextRules.Required(value, "LeadDetails.Source").Trim();
    }

    /// <summary>The prospect's company name; free text (see <see cref="InvalidTextException"/>).</summary>
    public string? Company { get => _company; init => _company = TextRules.Optional(value, "LeadDetails.Company"); }

    /// <summary>The contact person; hidden from partners until they accept.</summary>
    public LeadContact Contact { get; init; } = LeadContact.None;

    /// <summary>Where the prospect is.</summary>
    public LeadLocation Location { get; init; } = LeadLocation.Unknown;

    /// <summary>The product line the prospect is interested in.</summary>
    public string? ProductInterest { get => _productInterest; init => _productInterest = TextRules.Optional(value, "LeadDetails.ProductInterest"); }

    /// <summary>The prospect's preferred language (ISO 639-1).</summary>
    public string? Language { get => _language; init => _language = TextRules.Optional(value, "LeadDetails.Language"); }

    /// <summary>Estimated deal value; must not be negative nor above <see cref="Money.MaxDealMinorUnits"/> minor units.</summary>
    public Money? EstimatedValue
    {
        get => _estimatedValue;
        init => _estimatedValue = value switch
        {
            { IsNegative: true } => throw new ArgumentOutOfRangeException(nameof(EstimatedValue), value, "Estimated value must not be negative."),
            { IsValidDealAmount: false } v => throw new ArgumentOutOfRangeException(nameof(EstimatedValue), value, $"Estimated value {v} exceeds the largest amount of one deal, {Money.MaxDealAmount(v.Currency)}."),
            _ => value,
        };
    }

    /// <summary>
    /// These details with every empty value taken from <paramref name="other"/> (a merge's duplicate), as a
    /// CRM merge keeps the master's values and fills its blanks: company, each of the contact's name, e-mail
    /// and phone, product interest, language and estimated value. The location is taken whole when these
    /// details have no country; with the same country its missing postal code, city and coordinates are
    /// filled; with another country it stays (parts of two addresses are no address). The source stays.
    /// </summary>
    public LeadDetails FillBlanksFrom(LeadDetails other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Company = Blank(Company) ? other.Company : Company,
            Contact = new LeadContact(
                Blank(Contact.Name) ? other.Contact.Name : Contact.Name,
                Blank(Contact.Email) ? other.Contact.Email : Contact.Email,
                Blank(Contact.Phone) ? other.Contact.Phone : Contact.Phone),
            Location = Location.Country is null ? (Location == LeadLocation.Unknown ? other.Location : Location)
                : Location.Country == other.Location.Country ? Location with { PostalCode = Blank(Location.PostalCode) ? other.Location.PostalCode : Location.PostalCode, City = Blank(Location.City) ? other.Location.City : Location.City, Point = Location.Point ?? other.Location.Point }
                : Location,
            ProductInterest = Blank(ProductInterest) ? other.ProductInterest : ProductInterest,
            Language = Blank(Language) ? other.Language : Language,
            EstimatedValue = EstimatedValue ?? other.EstimatedValue,
        };
    }

    /// <summary>
    /// The fields <see cref="FillBlanksFrom"/> changed between <paramref name="before"/> and
    /// <paramref name="after"/>, by path (<see cref="LeadDuplicateMerged.FilledFields"/>). Filling only
    /// replaces blanks, so every difference is a filled field.
    /// </summary>
    internal static IReadOnlyList<string> FilledFields(LeadDetails before, LeadDetails after)
    {
        List<string> filled = [];
        Add(before.Company != after.Company, nameof(Company));
        Add(before.Contact.Name != after.Contact.Name, $"{nameof(Contact)}.{nameof(LeadContact.Name)}");
        Add(before.Contact.Email != after.Contact.Email, $"{nameof(Contact)}.{nameof(LeadContact.Email)}");
        Add(before.Contact.Phone != after.Contact.Phone, $"{nameof(Contact)}.{nameof(LeadContact.Phone)}");
        if (before.Location.Country is null)
        {
            Add(before.Location != after.Location, nameof(Location));
        }
        else
        {
            Add(before.Location.PostalCode != after.Location.PostalCode, $"{nameof(Location)}.{nameof(LeadLocation.PostalCode)}");
            Add(before.Location.City != after.Location.City, $"{nameof(Location)}.{nameof(LeadLocation.City)}");
            Add(before.Location.Point != after.Location.Point, $"{nameof(Location)}.{nameof(LeadLocation.Point)}");
        }

        Add(before.ProductInterest != after.ProductInterest, nameof(ProductInterest));
        Add(before.Language != after.Language, nameof(Language));
        Add(before.EstimatedValue != after.EstimatedValue, nameof(EstimatedValue));
        return filled;

        void Add(bool changed, string path)
        {
            if (changed)
            {
                filled.Add(path);
            }
        }
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
