namespace Opportunity.Kpis;

/// <summary>
/// The KPI counts and pipeline of a partner and every partner below it (<see cref="HierarchyRollup.Kpis"/>):
/// sums of the partners' <see cref="PartnerKpis"/>, and the raw rates of those sums.
/// </summary>
/// <param name="Partner">The partner at the top of the subtree (a distributor, or a partner served directly).</param>
/// <param name="Partners">How many partners of the subtree the report has.</param>
/// <param name="LeadsReceived">Leads offered or assigned to them.</param>
/// <param name="Accepted">Leads they accepted (a distributor routing a lead on counts as accepting it).</param>
/// <param name="Rejected">Leads they rejected.</param>
/// <param name="Expired">Leads recalled after the acceptance SLA ran out.</param>
/// <param name="SlaBreaches">Acceptances after the deadline, plus expiries.</param>
/// <param name="Won">Deals won.</param>
/// <param name="Lost">Deals lost.</param>
/// <param name="OpenPipeline">Open pipeline amount.</param>
/// <param name="WeightedPipeline">Weighted open pipeline.</param>
public sealed record PartnerNetworkKpis(PartnerId Partner, int Partners, int LeadsReceived, int Accepted, int Rejected, int Expired, int SlaBreaches, int Won, int Lost, Money OpenPipeline, Money WeightedPipeline)
{
    /// <summary>Accepted among accepted, rejected and expired; null before any was decided.</summary>
    public double? AcceptanceRate => Accepted + Rejected + Expired is var decided and > 0 ? (double)Accepted / decided : null;

    /// <summary>Won among won and lost; null before any deal closed.</summary>
    public double? WinRate => Won + Lost is var closed and > 0 ? (double)Won / closed : null;

    internal static PartnerNetworkKpis Of(PartnerId top, PartnerKpis k) =>
        new(top, 1, k.LeadsReceived, k.Accepted, k.Rejected, k.Expired, k.SlaBreaches, k.Won, k.Lost, k.OpenPipeline, k.WeightedPipeline);

    /// <exception cref="CurrencyMismatchException">The partners' pipelines are in different currencies.</exception>
    internal PartnerNetworkKpis Add(PartnerKpis k) => this with
    {
        Partners = Partners + 1,
        LeadsReceived = LeadsReceived + k.LeadsReceived,
        Accepted = Accepted + k.Accepted,
        Rejected = Rejected + k.Rejected,
        Expired = Expired + k.Expired,
        SlaBreaches = SlaBreaches + k.SlaBreaches,
        Won = Won + k.Won,
        Lost = Lost + k.Lost,
        OpenPipeline = OpenPipeline + k.OpenPipeline,
        WeightedPipeline = WeightedPipeline + k.WeightedPipeline,
    };
}
