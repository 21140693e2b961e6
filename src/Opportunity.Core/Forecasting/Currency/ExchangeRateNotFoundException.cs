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
        : this(from, to, asOf, asOf == default
            ? $"No exchange rate from {from.Code} to {to.Code} on {asOf:uuuu-MM-dd}, the default rate date: pass the report's rate date (asOf), or add a rate valid on that date to the exchange-rate provider."
            : $"No exchange rate from {from.Code} to {to.Code} on {asOf:uuuu-MM-dd}; add it to the exchange-rate provider.")
    {
    }

    private ExchangeRateNotFoundException(CurrencyCode from, CurrencyCode to, LocalDate asOf, string message)
        : base(OpportunityErrorCodes.ExchangeRateNotFound, message)
    {
        From = from;
        To = to;
        AsOf = asOf;
    }

    /// <summary>No provider was given at all, yet an amount in <paramref name="from"/> has to be shown in <paramref name="to"/>.</summary>
    internal static ExchangeRateNotFoundException NoProvider(CurrencyCode from, CurrencyCode to, LocalDate asOf) =>
        new(from, to, asOf, $"Amounts in {from.Code} cannot be shown in {to.Code} without exchange rates: pass an IExchangeRateProvider (e.g. FixedExchangeRates) with a {from.Code} → {to.Code} rate.");

    /// <summary>The source currency.</summary>
    public CurrencyCode From { get; }

    /// <summary>The target currency.</summary>
    public CurrencyCode To { get; }

    /// <summary>The date asked for.</summary>
    public LocalDate AsOf { get; }
}
