namespace Opportunity.Persistence.PostgreSql.Pipelines;

/// <summary>
/// How <see cref="PostgreSqlStore.GetWeightedPipelineAsync"/> groups opportunities. Rows are always
/// grouped by currency too (amounts of different currencies are never added).
/// </summary>
public sealed record PipelineGrouping
{
    /// <summary>Partner × stage, open opportunities only: the classic channel pipeline view.</summary>
    public static PipelineGrouping ByPartnerAndStage { get; } = new() { ByPartner = true, ByStage = true };

    /// <summary>Group by partner. Default false.</summary>
    public bool ByPartner { get; init; }

    /// <summary>Group by stage. Default false.</summary>
    public bool ByStage { get; init; }

    /// <summary>Group by expected close period. Default <see cref="ClosePeriod.None"/>.</summary>
    public ClosePeriod Period { get; init; }

    /// <summary>The month (1–12) a fiscal year starts in, for quarter and year periods. Default 1 (January).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..12.</exception>
    public int FiscalYearStartMonth
    {
        get;
        init => field = value is >= 1 and <= 12 ? value : throw new ArgumentOutOfRangeException(nameof(FiscalYearStartMonth), value, "Fiscal year start month must be 1 to 12.");
    } = 1;

    /// <summary>Include won and lost opportunities. Default false: the open pipeline only.</summary>
    public bool IncludeClosed { get; init; }
}
