using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Exchange rates that do not change with the date: a table of direct rates, their inverses
/// (1 ÷ rate, to decimal precision) when a direct rate is missing, and 1 for a currency to itself.
/// Suited to plan rates (budget rates) and tests.
/// </summary>
public sealed class FixedExchangeRates : IExchangeRateProvider
{
    private readonly Dictionary<(CurrencyCode From, CurrencyCode To), decimal> _rates = [];

    /// <summary>Adds (or replaces) the rate: one <paramref name="from"/> buys <paramref name="rate"/> <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive.</exception>
    /// <returns>This instance, for chaining.</returns>
    public FixedExchangeRates Add(CurrencyCode from, CurrencyCode to, decimal rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        _rates[(from, to)] = rate;
        return this;
    }

    /// <inheritdoc />
    public decimal GetRate(CurrencyCode from, CurrencyCode to, LocalDate asOf)
    {
        if (from == to)
        {
            return 1m;
        }

        if (_rates.TryGetValue((from, to), out var rate))
        {
            return rate;
        }

        if (_rates.TryGetValue((to, from), out var inverse))
        {
            return 1m / inverse;
        }

        throw new ExchangeRateNotFoundException(from, to, asOf);
    }
}
