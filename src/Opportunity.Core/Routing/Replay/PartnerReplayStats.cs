namespace Opportunity.Routing.Replay;

/// <summary>What a replay gave one partner.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Name">Its name.</param>
/// <param name="Assigned">Leads assigned to it (broadcast offers count for every offered partner).</param>
/// <param name="Share">Assigned ÷ routed leads, in [0, 1].</param>
/// <param name="Capacity">Its capacity; null for unlimited.</param>
/// <param name="PeakOpenLeads">The most open leads it held during the replay.</param>
/// <param name="TimesAtCapacity">How often the capacity rule removed it.</param>
public sealed record PartnerReplayStats(PartnerId Partner, string Name, int Assigned, double Share, int? Capacity, int PeakOpenLeads, int TimesAtCapacity);
