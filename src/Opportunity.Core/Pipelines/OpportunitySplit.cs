namespace Opportunity.Pipelines;

/// <summary>
/// One party's credit share of an opportunity (an opportunity split): the shares of a deal total
/// exactly 100 % (see <see cref="SalesOpportunity.SetSplits"/>), and the pipeline credits each party
/// its share of the deal's weighted amount (<c>PipelineCredits.BySplit</c>).
/// </summary>
public sealed record OpportunitySplit
{
    /// <summary>Creates a split.</summary>
    /// <param name="party">Who is credited (a partner id, a distributor, a rep's name).</param>
    /// <param name="role">The party's role.</param>
    /// <param name="percent">The share in percent, above 0 up to 100, at most 2 decimals (basis points).</param>
    /// <exception cref="InvalidTextException">The party is empty or not valid text.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Unknown role, or the share is out of range (names the parameter).</exception>
    public OpportunitySplit(string party, SplitRole role, decimal percent)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown split role.");
        }

        if (percent is <= 0m or > 100m || decimal.Round(percent, 2) != percent)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A split's share is above 0 and at most 100 percent, with at most 2 decimals.");
        }

        Party = TextRules.Required(party, "OpportunitySplit.Party");
        Role = role;
        Percent = percent;
    }

    /// <summary>Who is credited.</summary>
    public string Party { get; }

    /// <summary>The party's role.</summary>
    public SplitRole Role { get; }

    /// <summary>The share in percent.</summary>
    public decimal Percent { get; }

    /// <summary>The share in basis points (1/10,000), 1 to 10,000.</summary>
    public int BasisPoints => (int)(Percent * 100m);
}
