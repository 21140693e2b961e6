using Opportunity.Leads;

namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>
/// A lead as the calling partner may see it: <see cref="PartnerLeadView"/> in the portal's JSON.
/// Before acceptance the fields the privacy policy withholds are null and named in <see cref="HiddenFields"/>.
/// </summary>
/// <param name="Id">The lead id.</param>
/// <param name="State">Assigned, Offered, Accepted or Converted.</param>
/// <param name="IsAccepted">True once this partner accepted; then nothing is hidden.</param>
/// <param name="AcceptanceDeadline">By when the partner must accept (ISO 8601, UTC); null once accepted.</param>
/// <param name="HiddenFields">Names of the withheld fields (e.g. <c>Company</c>, <c>ContactEmail</c>).</param>
/// <param name="Source">Where the lead came from.</param>
/// <param name="Company">The prospect's company.</param>
/// <param name="ContactName">Contact person.</param>
/// <param name="ContactEmail">Contact e-mail.</param>
/// <param name="ContactPhone">Contact phone.</param>
/// <param name="Country">ISO 3166 country code.</param>
/// <param name="PostalCode">The postal code, or only the postal area before acceptance.</param>
/// <param name="City">City.</param>
/// <param name="ProductInterest">Product line of interest.</param>
/// <param name="Language">Preferred language.</param>
/// <param name="EstimatedValue">Estimated deal value.</param>
public sealed record PortalLead(
    string Id,
    string State,
    bool IsAccepted,
    DateTimeOffset? AcceptanceDeadline,
    IReadOnlyList<string> HiddenFields,
    string? Source,
    string? Company,
    string? ContactName,
    string? ContactEmail,
    string? ContactPhone,
    string? Country,
    string? PostalCode,
    string? City,
    string? ProductInterest,
    string? Language,
    PortalMoney? EstimatedValue)
{
    private static readonly LeadField[] SingleFields =
        [.. Enum.GetValues<LeadField>().Where(f => f != LeadField.None && int.IsPow2((int)f))];

    /// <summary>Copies the view; the redaction was done by the model (<see cref="Lead.ViewFor"/>), not here.</summary>
    internal static PortalLead From(PartnerLeadView view) => new(
        view.Id.Value,
        view.State.ToString(),
        view.IsAccepted,
        view.AcceptanceDeadline?.ToDateTimeOffset(),
        [.. SingleFields.Where(f => view.HiddenFields.HasFlag(f)).Select(f => f.ToString())],
        view.Source,
        view.Company,
        view.ContactName,
        view.ContactEmail,
        view.ContactPhone,
        view.Country?.Code,
        view.PostalCode,
        view.City,
        view.ProductInterest,
        view.Language,
        view.EstimatedValue is { } value ? PortalMoney.From(value) : null);
}
