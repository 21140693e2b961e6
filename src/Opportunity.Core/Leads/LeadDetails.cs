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

    /// <summary>Estimated deal value; must not be negative.</summary>
    public Money? EstimatedValue
    {
        get => _estimatedValue;
        init => _estimatedValue = value is { IsNegative: true } ? throw new ArgumentOutOfRangeException(nameof(EstimatedValue), value, "Estimated value must not be negative.") : value;
    }
}
