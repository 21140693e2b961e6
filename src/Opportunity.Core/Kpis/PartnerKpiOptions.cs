using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Kpis;

/// <summary>Settings of <see cref="PartnerKpiReport.Compute"/>. Every member has a documented default.</summary>
public sealed record PartnerKpiOptions
{
    /// <summary>Creates options reporting money in <paramref name="currency"/>.</summary>
    public PartnerKpiOptions(CurrencyCode currency, Instant asOf)
    {
        _ = currency.Code;
        Currency = currency;
        AsOf = asOf;
    }

    /// <summary>The reporting currency for deal sizes and pipeline.</summary>
    public CurrencyCode Currency { get; }

    /// <summary>"Now": pending offers past their deadline count as SLA breaches.</summary>
    public Instant AsOf { get; }

    /// <summary>Exchange rates for foreign currencies; null when everything is in <see cref="Currency"/>.</summary>
    public IExchangeRateProvider? Rates { get; init; }

    /// <summary>
    /// Which date money is converted at, as in the forecast (<see cref="ForecastOptions.RateDating"/>):
    /// <see cref="ExchangeRateDating.Corporate"/> (default) converts every amount at the rate of
    /// <see cref="AsOf"/>'s date (UTC); <see cref="ExchangeRateDating.CloseMonth"/> converts a won deal at the
    /// rate of the first day of the month it was won in (UTC) and an open deal at its expected close month's.
    /// </summary>
    public ExchangeRateDating RateDating { get; init; }

    /// <summary>Strength (pseudo-observations) of the Beta prior pulling a partner's rates toward the network rate. Default 10.</summary>
    public double RatePriorStrength { get; init; } = 10;

    /// <summary>Strength (pseudo-samples) pulling medians and averages toward the network's. Default 5.</summary>
    public double SamplePriorStrength { get; init; } = 5;

    /// <summary>Calendar for partners the report does not know (business time to accept). Default Monday–Friday 09:00–17:00 UTC.</summary>
    public Opportunity.Partners.BusinessCalendar DefaultCalendar { get; init; } = Opportunity.Partners.BusinessCalendar.WeekdaysNineToFive(DateTimeZone.Utc);

    /// <summary>Scorecard weights.</summary>
    public ScorecardWeights Weights { get; init; } = new();
}
