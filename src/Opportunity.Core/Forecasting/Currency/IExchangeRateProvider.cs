using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// The exchange-rate port. Sums are kept per currency and converted once to a reporting currency
/// with the rate this returns; implement it over your treasury's rates or use
/// <see cref="FixedExchangeRates"/>.
/// </summary>
public interface IExchangeRateProvider
{
    /// <summary>
    /// How many units of <paramref name="to"/> one unit of <paramref name="from"/> buys on
    /// <paramref name="asOf"/> (1 when the currencies are equal). Positive.
    /// </summary>
    /// <exception cref="ExchangeRateNotFoundException">No rate is known for the pair and date.</exception>
    decimal GetRate(CurrencyCode from, CurrencyCode to, LocalDate asOf);
}
