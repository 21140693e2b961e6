using Opportunity.Forecasting;

namespace Opportunity.Kpis;

/// <summary>
/// One partner's KPIs. Counts are raw; rates are <see cref="ShrunkRate"/>s (shrunk toward the
/// network rate, with a 90% interval) so a partner with three leads is not ranked first or last by
/// luck; durations and deal size are shrunk toward the network's as well.
/// </summary>
public sealed record PartnerKpis
{
    /// <summary>The partner.</summary>
    public required PartnerId Partner { get; init; }

    /// <summary>Leads offered to the partner.</summary>
    public required int LeadsReceived { get; init; }

    /// <summary>Offers accepted.</summary>
    public required int Accepted { get; init; }

    /// <summary>Offers rejected.</summary>
    public required int Rejected { get; init; }

    /// <summary>Rejections per reason (as the partner wrote it, trimmed).</summary>
    public required IReadOnlyDictionary<string, int> RejectedByReason { get; init; }

    /// <summary>Offers whose acceptance SLA ran out.</summary>
    public required int Expired { get; init; }

    /// <summary>Offers still open.</summary>
    public required int Pending { get; init; }

    /// <summary>Accepted ÷ (accepted + rejected + expired).</summary>
    public required ShrunkRate AcceptanceRate { get; init; }

    /// <summary>Time to accept in the partner's business time (working hours and holidays of its calendar).</summary>
    public required DurationKpi TimeToAcceptBusiness { get; init; }

    /// <summary>Time to accept in wall-clock time.</summary>
    public required DurationKpi TimeToAcceptWall { get; init; }

    /// <summary>SLA breaches: expired offers, answers after the deadline, and pending offers past it.</summary>
    public required int SlaBreaches { get; init; }

    /// <summary>Breaches ÷ offers with a deadline or an expiry.</summary>
    public required ShrunkRate SlaBreachRate { get; init; }

    /// <summary>Lead → won: accepted leads whose opportunity was won ÷ accepted leads whose fate is decided.</summary>
    public required ShrunkRate Conversion { get; init; }

    /// <summary>Won ÷ closed opportunities of the partner.</summary>
    public required ShrunkRate WinRate { get; init; }

    /// <summary>Won deals.</summary>
    public required int Won { get; init; }

    /// <summary>Lost deals.</summary>
    public required int Lost { get; init; }

    /// <summary>Mean amount of won deals; null without wins.</summary>
    public required Money? AverageDealSize { get; init; }

    /// <summary>Mean won amount shrunk toward the network mean: (n·mean + k·network) ÷ (n + k).</summary>
    public required Money? ShrunkAverageDealSize { get; init; }

    /// <summary>Open pipeline amount.</summary>
    public required Money OpenPipeline { get; init; }

    /// <summary>Open weighted pipeline.</summary>
    public required Money WeightedPipeline { get; init; }
}
