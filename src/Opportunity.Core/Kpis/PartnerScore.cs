namespace Opportunity.Kpis;

/// <summary>A partner's place on the <see cref="PartnerScorecard"/>.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">Composite score in [0, 1].</param>
/// <param name="Acceptance">Component: shrunk acceptance rate.</param>
/// <param name="Speed">Component: network median ÷ (network median + shrunk median business time to accept); 0.5 at the network median.</param>
/// <param name="Sla">Component: 1 − shrunk SLA breach rate.</param>
/// <param name="Conversion">Component: shrunk lead → won conversion.</param>
/// <param name="WinRate">Component: shrunk win rate.</param>
public sealed record PartnerScore(PartnerId Partner, int Rank, double Score, double Acceptance, double Speed, double Sla, double Conversion, double WinRate);
