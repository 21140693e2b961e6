using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Thrown when an <see cref="IExchangeRateProvider"/> has no rate for a currency pair and date
/// (<see cref="OpportunityErrorCodes.ExchangeRateNotFound"/>): amounts in that currency cannot be
/// reported in the other, a rule of the forecast rather than a missing resource of the request.
/// </summary>
public sealed class ExchangeRateNotFoundException : DomainRuleException
{
    /// <summary>Creates the exception for the pair and date asked for.</summary>
    public ExchangeRateNotFoundException(CurrencyCode from, CurrencyCode to, LocalDate asOf)
        : base(OpportunityErrorCodes.ExchangeRateNotFound, $"No exchange rate from {from.Code} to {to.Code} on {asOf:uuuu-MM-dd}; add it to the exchange-rate provider.")
    {
        From = from;
        To = to;
        AsOf = asOf;
    }

    /// <summary>The source currency.</summary>
    public CurrencyCode From { get; }

    /// <summary>The target currency.</summary>
    public CurrencyCode To { get; }

    /// <summary>The date asked for.</summary>
    public LocalDate AsOf { get; }
}
