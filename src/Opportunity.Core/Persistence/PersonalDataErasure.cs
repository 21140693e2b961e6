using Opportunity.Leads;
using Opportunity.Pipelines;

namespace Opportunity.Persistence;

/// <summary>
/// One erasure as a store writes it (<see cref="IPersonalDataEraser"/>): the records already erased in
/// memory (<see cref="Lead.ErasePersonalData"/>, <see cref="SalesOpportunity.ErasePersonalData"/>) and
/// the personal values to replace wherever else the tenant's stored text holds them.
/// </summary>
/// <param name="Tenant">The tenant; nothing of another tenant is read or written.</param>
/// <param name="Leads">Erased leads to write (version-checked, with their pending events).</param>
/// <param name="Opportunities">Erased opportunities to write (version-checked, with their pending events).</param>
/// <param name="Values">
/// Texts to replace everywhere in the tenant's stored text: e-mail addresses and phone numbers as they
/// were entered. Only values that cannot be mistaken for structure are given (see
/// <see cref="AdapterSupport.ErasedText.IsSearchable"/>); stores search their raw and JSON-escaped forms
/// (<see cref="AdapterSupport.ErasedText.Forms"/>).
/// </param>
public sealed record PersonalDataErasure(TenantId Tenant, IReadOnlyList<Lead> Leads, IReadOnlyList<SalesOpportunity> Opportunities, IReadOnlyList<string> Values)
{
    /// <summary>True when the erasure writes nothing (no record, no value).</summary>
    public bool IsEmpty => Leads.Count == 0 && Opportunities.Count == 0 && Values.Count == 0;
}
