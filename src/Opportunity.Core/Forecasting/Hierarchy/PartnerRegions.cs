namespace Opportunity.Forecasting;

/// <summary>
/// Each partner's region code when all its rows share one (nearly every partner: a deal's region is its
/// partner's), else −1; 0 for a partner without rows. Found once per snapshot and kept by it
/// (<see cref="PipelineSnapshot.PartnerRegions"/>), so a roll-up by region reads the region column only for the
/// partners whose rows span several regions.
/// </summary>
internal static class PartnerRegions
{
    /// <summary>4 bytes per partner.</summary>
    public static int[] Find(PipelineColumns c)
    {
        var partners = c.PartnerStart.Length - 1;
        var regions = new int[partners];
        for (var p = 0; p < partners; p++)
        {
            var rows = c.Region.AsSpan(c.PartnerStart[p], c.PartnerStart[p + 1] - c.PartnerStart[p]);
            regions[p] = rows.IsEmpty ? 0 : rows.IndexOfAnyExcept(rows[0]) < 0 ? rows[0] : -1;
        }

        return regions;
    }
}
