using NodaTime;

namespace Opportunity.Partners;

/// <summary>
/// A sales partner of a manufacturer (reseller, installer, specialist dealer): where it sells, what
/// it sells, how many open leads it can take, and when it works. Immutable; change it with
/// <c>with</c> and save it through the partner directory.
/// </summary>
public sealed record Partner
{
    private readonly string _name = string.Empty;
    private readonly int? _capacity;

    /// <summary>Creates a partner with the four mandatory facts; everything else has a default.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="InvalidTextException"><paramref name="name"/> breaks the text rules (e.g. holds NUL or a lone surrogate).</exception>
    public Partner(TenantId tenant, PartnerId id, string name, PartnerTier tier)
    {
        Tenant = tenant;
        Id = id;
        Name = name;
        Tier = tier;
    }

    /// <summary>The manufacturer this partner belongs to.</summary>
    public TenantId Tenant { get; init; }

    /// <summary>The partner's id.</summary>
    public PartnerId Id { get; init; }

    /// <summary>Display name; not empty.</summary>
    public string Name
    {
        get => _name;
        init => _name = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("Partner name must not be empty.", nameof(Name)) : TextRules.Required(value, "Partner.Name").Trim();
    }

    /// <summary>The partner programme tier.</summary>
    public PartnerTier Tier { get; init; }

    /// <summary>Countries and postal-code areas the partner serves.</summary>
    public IReadOnlyList<Territory> Territories { get; init; } = [];

    /// <summary>The partner's location, for geo-radius routing; null when unknown.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>Product lines the partner sells (case-insensitive).</summary>
    public IReadOnlySet<string> ProductLines { get; init => field = TextRules.All(value, "Partner.ProductLines"); } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Certifications the partner holds (case-insensitive).</summary>
    public IReadOnlySet<string> Certifications { get; init => field = TextRules.All(value, "Partner.Certifications"); } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Languages the partner's sales team speaks, as ISO 639-1 codes (case-insensitive).</summary>
    public IReadOnlySet<string> Languages { get; init => field = TextRules.All(value, "Partner.Languages"); } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum number of open (assigned or accepted, not yet converted) leads; null for unlimited.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int? Capacity
    {
        get => _capacity;
        init => _capacity = value is < 0 ? throw new ArgumentOutOfRangeException(nameof(Capacity), value, "Capacity must not be negative.") : value;
    }

    /// <summary>Inactive partners are never routed to.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>
    /// The partner's working time; SLA clocks run in it. Default Monday–Friday 09:00–17:00 UTC. Stores
    /// keep a <see cref="BusinessCalendar"/> (zone, hours, holidays, overrides); another
    /// <see cref="IBusinessCalendar"/> needs a partner directory of your own.
    /// </summary>
    /// <exception cref="ArgumentNullException">Null.</exception>
    public IBusinessCalendar Calendar { get; init => field = value ?? throw new ArgumentNullException(nameof(Calendar)); } = BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);

    /// <summary>Where lead offers and reminders go, e.g. the partner's sales inbox.</summary>
    public string? ContactEmail { get; init => field = TextRules.Optional(value, "Partner.ContactEmail"); }

    /// <summary>The manufacturer's channel manager responsible for this partner (escalations go there).</summary>
    public string? ChannelManagerEmail { get; init => field = TextRules.Optional(value, "Partner.ChannelManagerEmail"); }

    /// <summary>
    /// The distributor this partner (a reseller) buys through, or null for a partner the manufacturer
    /// serves directly. Stores refuse an unknown parent and a parent that would close a cycle
    /// (docs/channel.md, "Two tiers"); <see cref="PartnerHierarchy"/> reads the tree.
    /// </summary>
    public PartnerId? ParentId { get; init; }
}
