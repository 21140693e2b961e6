using System.Globalization;
using Opportunity;
using Opportunity.Forecasting;
using Opportunity.Import;

namespace PartnerPipeline.Cli;

/// <summary>
/// --currency and --rates, shared by <c>forecast</c> and <c>report</c>: the reporting currency
/// (by default the data's own, when it has exactly one) and rates into it: fixed corporate rates
/// (<c>--rates USD=0.92,GBP=1.17</c>) or a dated table (<c>--rates rates.csv</c>, see
/// <see cref="ExchangeRateCsv"/>), with which every deal is converted at its close month's rate.
/// </summary>
internal sealed record CurrencyOptions(CurrencyCode? Requested, string? RatesText)
{
    /// <summary>Reads (and consumes) the two options.</summary>
    public static CurrencyOptions From(Arguments arguments) =>
        new(arguments.Option("currency") is { } code ? Parse(code, "--currency") : null, arguments.Option("rates"));

    /// <summary>
    /// The reporting currency for data in <paramref name="dataCurrencies"/>: the requested one, else
    /// the data's single currency, else EUR for an empty database. Mixed data without --currency is a
    /// usage error that names the currencies found.
    /// </summary>
    public CurrencyCode Resolve(IReadOnlyCollection<CurrencyCode> dataCurrencies)
    {
        if (Requested is { } requested)
        {
            return requested;
        }

        return dataCurrencies.Count switch
        {
            0 => CurrencyCode.EUR,
            1 => dataCurrencies.First(),
            _ => throw new UsageException(
                $"the deals are in {string.Join(", ", dataCurrencies.Select(c => c.Code).Order(StringComparer.Ordinal))}; " +
                $"choose the reporting currency and rates into it, e.g. --currency {dataCurrencies.First().Code} --rates {string.Join(",", dataCurrencies.Skip(1).Select(c => c.Code + "=1.10"))}"),
        };
    }

    /// <summary>A dated table (a CSV file) converts each deal at its close month's rate; fixed rates use one corporate rate per currency.</summary>
    public ExchangeRateDating Dating => IsTable ? ExchangeRateDating.CloseMonth : ExchangeRateDating.Corporate;

    private bool IsTable => RatesText is { } text && (text.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || File.Exists(text));

    /// <summary>
    /// "USD=0.92,GBP=1.17": how many units of <paramref name="reporting"/> one unit of each is worth;
    /// or the path of a dated table into <paramref name="reporting"/>; null when not given.
    /// </summary>
    public IExchangeRateProvider? Rates(CurrencyCode reporting)
    {
        if (RatesText is null)
        {
            return null;
        }

        if (IsTable)
        {
            if (!File.Exists(RatesText))
            {
                throw new UsageException($"--rates: the rate table '{RatesText}' does not exist");
            }

            var table = ExchangeRateCsv.Read(new StreamReader(RatesText), reporting);
            return table.IsValid
                ? table.Value
                : throw new UsageException($"--rates {RatesText}: " + string.Join("; ", table.Errors));
        }

        var rates = new FixedExchangeRates();
        var given = new HashSet<CurrencyCode>();
        foreach (var pair in RatesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=');
            if (parts.Length != 2 || !decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
            {
                throw new UsageException($"--rates: '{pair}' is not CODE=rate with a positive rate");
            }

            var from = Parse(parts[0], "--rates");
            if (!given.Add(from))
            {
                throw new UsageException($"--rates: {from.Code} is given twice; give one rate per currency");
            }

            if (from != reporting)
            {
                rates.Add(from, reporting, rate);
            }
            else if (rate != 1m)
            {
                throw new UsageException($"--rates: {pair} is a rate of the reporting currency {reporting.Code} into itself, which is 1; leave it out or choose another --currency");
            }
        }

        return rates;
    }

    /// <summary>
    /// The usage error for a conversion without a rate: names the missing pair (and the date only for a
    /// dated table: fixed rates have none) and suggests rates into <paramref name="reporting"/> for the
    /// foreign currencies of <paramref name="dataCurrencies"/>.
    /// </summary>
    public UsageException MissingRate(ExchangeRateNotFoundException ex, CurrencyCode reporting, IEnumerable<CurrencyCode> dataCurrencies)
    {
        var foreign = dataCurrencies.Append(ex.From).Where(c => c != reporting).Distinct().Select(c => c.Code).Order(StringComparer.Ordinal).ToList();
        var missing = IsTable
            ? $"no exchange rate from {ex.From.Code} to {ex.To.Code} on {ex.AsOf:uuuu-MM-dd} in {RatesText}; add a row '{ex.From.Code},{ex.AsOf:uuuu-MM},<rate>' to it"
            : $"no exchange rate from {ex.From.Code} to {ex.To.Code}";
        return new($"{missing}. Pass rates into {reporting.Code} for {string.Join(", ", foreign)}, e.g. --rates {string.Join(",", foreign.Select(c => c + "=1.10"))} (units of {reporting.Code} per unit), or choose another reporting currency with --currency.");
    }

    private static CurrencyCode Parse(string text, string option)
    {
        try
        {
            return CurrencyCode.Parse(text);
        }
        catch (Exception ex) when (ex is ArgumentException or UnknownCurrencyException)
        {
            throw new UsageException($"{option}: {ex.Message}");
        }
    }
}
