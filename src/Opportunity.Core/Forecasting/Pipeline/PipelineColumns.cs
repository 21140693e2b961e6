namespace Opportunity.Forecasting;

/// <summary>
/// The snapshot's struct-of-arrays storage: 19 bytes per row (amount 8, probability 2, stage 1,
/// category 1, currency 1, close month 2, region 2, product line 2) plus one start offset per
/// partner. Rows are clustered by partner (then stage, then currency), so the partner of a row is
/// implied by <see cref="PartnerStart"/> and needs no column. <see cref="RunStart"/> is the
/// clustered index: the first row of each run of equal (partner, stage, currency), with
/// <see cref="PartnerRunStart"/> the first run of each partner; when <see cref="UniqueRuns"/> is
/// true no (partner, stage, currency) occurs in two runs. <see cref="OneCurrency"/> says per partner whether its rows
/// are all in one currency (the usual case: the partner's groups by another key then need no currency within them).
/// </summary>
internal sealed record PipelineColumns(
    long[] Amount,
    ushort[] BasisPoints,
    byte[] Stage,
    byte[] Category,
    byte[] Currency,
    short[] Month,
    ushort[] Region,
    ushort[] ProductLine,
    int[] PartnerStart,
    int[] RunStart,
    int[] PartnerRunStart,
    bool[] OneCurrency,
    bool UniqueRuns)
{
    /// <summary>Builds the columns and their run index (one pass over stage and currency).</summary>
    public static PipelineColumns Create(long[] amount, ushort[] basisPoints, byte[] stage, byte[] category, byte[] currency, short[] month, ushort[] region, ushort[] productLine, int[] partnerStart, bool sortedByStage)
    {
        var partners = partnerStart.Length - 1;
        var runs = new List<int>();
        var partnerRuns = new int[partners + 1];
        var oneCurrency = new bool[partners];
        for (var p = 0; p < partners; p++)
        {
            partnerRuns[p] = runs.Count;
            oneCurrency[p] = true;
            for (var i = partnerStart[p]; i < partnerStart[p + 1]; i++)
            {
                if (i == partnerStart[p] || stage[i] != stage[i - 1] || currency[i] != currency[i - 1])
                {
                    runs.Add(i);
                    oneCurrency[p] &= currency[i] == currency[partnerStart[p]];
                }
            }
        }

        partnerRuns[partners] = runs.Count;
        runs.Add(amount.Length);
        return new PipelineColumns(amount, basisPoints, stage, category, currency, month, region, productLine, partnerStart, [.. runs], partnerRuns, oneCurrency, sortedByStage);
    }

    public const int BytesPerRow = sizeof(long) + sizeof(ushort) + 3 + sizeof(short) + sizeof(ushort) + sizeof(ushort);

    public int Count => Amount.Length;

    /// <summary>Bytes of the partner offsets, the run index and the partners' one-currency flags.</summary>
    public long IndexBytes => (((long)PartnerStart.Length + RunStart.Length + PartnerRunStart.Length) * sizeof(int)) + OneCurrency.Length;
}
