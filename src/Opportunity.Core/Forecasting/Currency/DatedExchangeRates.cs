using NodaTime;

namespace Opportunity.Forecasting;

/// <summary>
/// Exchange rates that change over time, as in Salesforce's dated exchange rates: each rate of a
/// currency pair has an effective date and is in force until the next one of that pair. Asked for a
/// date, it returns the rate of the latest effective date on or before it; before the first one there
/// is no rate. A missing direct pair uses the inverse pair (1 ÷ rate, to decimal precision); a
/// currency to itself is 1. Load a table with <c>Opportunity.Import.ExchangeRateCsv</c> or <see cref="Add"/>.
/// </summary>
public sealed class DatedExchangeRates : IExchangeRateProvider
{
    private readonly Dictionary<(CurrencyCode From, CurrencyCode To), SortedList<LocalDate, decimal>> _rates = [];

    /// <summary>The number of dated rates held.</summary>
    public int Count => _rates.Values.Sum(r => r.Count);

    /// <summary>Adds (or replaces) the rate in force from <paramref name="effective"/>: one <paramref name="from"/> buys <paramref name="rate"/> <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive.</exception>
    /// <exception cref="ArgumentException">The two currencies are the same.</exception>
    /// <returns>This instance, for chaining.</returns>
    public DatedExchangeRates Add(CurrencyCode from, CurrencyCode to, LocalDate effective, decimal rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        if (from == to)
        {
            throw new ArgumentException($"A rate needs two different currencies, got {from.Code} twice.", nameof(to));
        }

        if (!_rates.TryGetValue((from, to), out var dated))
        {
            _rates[(from, to)] = dated = [];
        }

        dated[effective] = rate;
        return this;
    }

    /// <summary>Whether a rate from <paramref name="from"/> to <paramref name="to"/> takes effect exactly on <paramref name="effective"/>.</summary>
    public bool Contains(CurrencyCode from, CurrencyCode to, LocalDate effective) =>
        _rates.TryGetValue((from, to), out var dated) && dated.ContainsKey(effective);

    /// <inheritdoc />
    public decimal GetRate(CurrencyCode from, CurrencyCode to, LocalDate asOf)
    {
        if (from == to)
        {
            return 1m;
        }

        if (InForce(from, to, asOf) is { } rate)
        {
            return rate;
        }

        if (InForce(to, from, asOf) is { } inverse)
        {
            return 1m / inverse;
        }

        throw new ExchangeRateNotFoundException(from, to, asOf);
    }

    private decimal? InForce(CurrencyCode from, CurrencyCode to, LocalDate asOf)
    {
        if (!_rates.TryGetValue((from, to), out var dated))
        {
            return null;
        }

        // Binary search for the last effective date on or before asOf.
        var dates = dated.Keys;
        int low = 0, high = dates.Count - 1, found = -1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (dates[mid] <= asOf)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return found < 0 ? null : dated.Values[found];
    }
}
