using NodaTime;
using Opportunity.Partners;

namespace Opportunity.Leads;

/// <summary>
/// A lead as one partner may see it. Before the partner accepts, fields outside
/// <see cref="LeadPrivacyPolicy.VisibleBeforeAcceptance"/> are null and listed in
/// <see cref="HiddenFields"/>; after acceptance everything is filled in. Created only by
/// <see cref="Lead.ViewFor"/>, so the redaction lives in the model, not in a UI.
/// </summary>
public sealed record PartnerLeadView
{
    internal PartnerLeadView()
    {
    }

    /// <summary>The lead's id.</summary>
    public required LeadId Id { get; init; }

    /// <summary>The partner this view is for.</summary>
    public required PartnerId Partner { get; init; }

    /// <summary>The lead's state as far as this partner is concerned (Assigned, Offered, Accepted or Converted).</summary>
    public required LeadState State { get; init; }

    /// <summary>True once this partner accepted the lead; then nothing is hidden.</summary>
    public bool IsAccepted => State is LeadState.Accepted or LeadState.Converted;

    /// <summary>By when the partner must accept; null once accepted.</summary>
    public Instant? AcceptanceDeadline { get; init; }

    /// <summary>Fields withheld from this view.</summary>
    public required LeadField HiddenFields { get; init; }

    /// <summary>Where the lead came from.</summary>
    public string? Source { get; init; }

    /// <summary>The prospect's company.</summary>
    public string? Company { get; init; }

    /// <summary>Contact person.</summary>
    public string? ContactName { get; init; }

    /// <summary>Contact e-mail.</summary>
    public string? ContactEmail { get; init; }

    /// <summary>Contact phone.</summary>
    public string? ContactPhone { get; init; }

    /// <summary>Country.</summary>
    public CountryCode? Country { get; init; }

    /// <summary>The full postal code, or only its leading characters (the postal area) before acceptance.</summary>
    public string? PostalCode { get; init; }

    /// <summary>City.</summary>
    public string? City { get; init; }

    /// <summary>Coordinates.</summary>
    public GeoPoint? Point { get; init; }

    /// <summary>Product line of interest.</summary>
    public string? ProductInterest { get; init; }

    /// <summary>Preferred language.</summary>
    public string? Language { get; init; }

    /// <summary>Estimated deal value.</summary>
    public Money? EstimatedValue { get; init; }
}
