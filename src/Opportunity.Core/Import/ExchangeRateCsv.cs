using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Opportunity.Forecasting;

namespace Opportunity.Import;

/// <summary>
/// Reads a dated exchange-rate table from CSV into <see cref="DatedExchangeRates"/>. The header is
/// <c>currency,effective_date,rate</c> (the second column may be called <c>month</c>); each line says
/// that from <c>effective_date</c> (<c>2026-03-01</c>, or <c>2026-03</c> for the first of the month) one
/// unit of <c>currency</c> is worth <c>rate</c> units of the table's currency, until the next line of
/// that currency. Every problem is reported with its line and column, all at once.
/// </summary>
/// <example>
/// <code>
/// currency,effective_date,rate
/// USD,2026-01,0.92
/// USD,2026-04,0.95
/// GBP,2026-01-01,1.17
/// </code>
/// </example>
public static class ExchangeRateCsv
{
    /// <summary>The header of a rate table.</summary>
    public const string Header = "currency,effective_date,rate";

    private static readonly LocalDatePattern MonthPattern = LocalDatePattern.CreateWithInvariantCulture("uuuu-MM");

    /// <summary>Reads a table whose rates convert into <paramref name="tableCurrency"/>.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="tableCurrency">The currency each rate converts into (e.g. the corporate currency).</param>
    /// <returns>The rates, or every problem found (location <c>line 7, column rate</c>).</returns>
    public static ValidationResult<DatedExchangeRates> Read(TextReader reader, CurrencyCode tableCurrency)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var csv = new CsvReader(reader);
        var errors = new List<ValidationError>();
        var header = csv.Read(out var headerError);
        if (header is null)
        {
            return ValidationResult<DatedExchangeRates>.Failure([new ValidationError("line 1", $"The file is empty; expected the header '{Header}'.")]);
        }

        if (headerError is not null
            || header.Fields.Count != 3
            || !header.Fields[0].Trim().Equals("currency", StringComparison.OrdinalIgnoreCase)
            || header.Fields[1].Trim().ToLowerInvariant() is not ("effective_date" or "month")
            || !header.Fields[2].Trim().Equals("rate", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationResult<DatedExchangeRates>.Failure([new ValidationError("line 1", $"Expected the header '{Header}', found '{string.Join(",", header.Fields)}'.")]);
        }

        var rates = new DatedExchangeRates();
        var firstLine = new Dictionary<(CurrencyCode, LocalDate), int>();
        while (csv.Read(out var recordError) is { } record)
        {
            if (recordError is not null)
            {
                errors.Add(new ValidationError($"line {record.Line}", $"Malformed CSV: {recordError}."));
                continue;
            }

            if (record.Fields is [""])
            {
                continue;
            }

            if (record.Fields.Count != 3)
            {
                errors.Add(new ValidationError($"line {record.Line}", $"Expected 3 fields as in the header, found {record.Fields.Count}."));
                continue;
            }

            var currency = Currency(record, tableCurrency, errors);
            var effective = Effective(record, errors);
            var rate = Rate(record, errors);
            if (currency is not { } c || effective is not { } e || rate is not { } r)
            {
                continue;
            }

            if (firstLine.TryGetValue((c, e), out var first))
            {
                errors.Add(new ValidationError($"line {record.Line}, column effective_date", $"{c.Code} already has a rate from {e:uuuu-MM-dd} on line {first}."));
                continue;
            }

            firstLine[(c, e)] = record.Line;
            rates.Add(c, tableCurrency, e, r);
        }

        return errors.Count == 0 ? ValidationResult<DatedExchangeRates>.Success(rates) : ValidationResult<DatedExchangeRates>.Failure(errors);
    }

    /// <summary>Reads a table from a file.</summary>
    /// <exception cref="InputValidationException">The file has problems; every one is listed with its line.</exception>
    public static DatedExchangeRates Load(string path, CurrencyCode tableCurrency)
    {
        using var reader = new StreamReader(path);
        return Read(reader, tableCurrency).Value;
    }

    private static CurrencyCode? Currency(CsvRecord record, CurrencyCode tableCurrency, List<ValidationError> errors)
    {
        try
        {
            var currency = CurrencyCode.Parse(record.Fields[0]);
            if (currency != tableCurrency)
            {
                return currency;
            }

            errors.Add(new ValidationError($"line {record.Line}, column currency", $"{currency.Code} is the table's own currency; its rate is always 1."));
        }
        catch (Exception ex) when (ex is ArgumentException or UnknownCurrencyException)
        {
            errors.Add(new ValidationError($"line {record.Line}, column currency", ex.Message));
        }

        return null;
    }

    private static LocalDate? Effective(CsvRecord record, List<ValidationError> errors)
    {
        var text = record.Fields[1].Trim();
        if (LocalDatePattern.Iso.Parse(text) is { Success: true } date)
        {
            return date.Value;
        }

        if (MonthPattern.Parse(text) is { Success: true } month)
        {
            return month.Value;
        }

        errors.Add(new ValidationError($"line {record.Line}, column effective_date", $"'{text}' is not a date (2026-03-01) or a month (2026-03)."));
        return null;
    }

    private static decimal? Rate(CsvRecord record, List<ValidationError> errors)
    {
        var text = record.Fields[2].Trim();
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0m)
        {
            return rate;
        }

        errors.Add(new ValidationError($"line {record.Line}, column rate", $"'{text}' is not a positive decimal rate (e.g. 0.92)."));
        return null;
    }
}
