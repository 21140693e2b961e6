namespace Opportunity.Kpis;

/// <summary>
/// Partners ranked by a composite score in [0, 1]: a weighted mean of shrunk acceptance rate,
/// speed, SLA compliance, conversion and win rate (see <see cref="ScorecardWeights"/>). Because the
/// components are shrunk toward the network, a partner without history scores
/// <see cref="DefaultScore"/> (the network's own profile) rather than 0 or 1 — which is what a
/// routing performance scorer wants (<see cref="ScoreOf"/>).
/// </summary>
public sealed class PartnerScorecard
{
    private readonly Dictionary<PartnerId, PartnerScore> _byPartner;

    internal PartnerScorecard(IReadOnlyList<PartnerScore> ranked, double defaultScore)
    {
        Ranked = ranked;
        DefaultScore = defaultScore;
        _byPartner = ranked.ToDictionary(s => s.Partner);
    }

    /// <summary>Partners, best first (ties by partner id).</summary>
    public IReadOnlyList<PartnerScore> Ranked { get; }

    /// <summary>The score of a partner with no data: every component at the network's value.</summary>
    public double DefaultScore { get; }

    /// <summary>The composite score of <paramref name="partner"/>, or <see cref="DefaultScore"/> for a partner not on the card.</summary>
    public double ScoreOf(PartnerId partner) => _byPartner.TryGetValue(partner, out var score) ? score.Score : DefaultScore;

    /// <summary>The scorecard entry of <paramref name="partner"/>, if any.</summary>
    public PartnerScore? Find(PartnerId partner) => _byPartner.GetValueOrDefault(partner);
}
