using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Forecasting;

namespace Opportunity.Workflows;

/// <summary>Checks <see cref="ForecastSnapshotScheduleOptions"/>; failures name the option.</summary>
public sealed class ForecastSnapshotScheduleOptionsValidator : IValidateOptions<ForecastSnapshotScheduleOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ForecastSnapshotScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Tenants.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
        {
            failures.Add($"{nameof(options.Tenants)} must not hold an empty tenant id.");
        }

        if (!Enum.IsDefined(options.Cadence))
        {
            failures.Add($"{nameof(options.Cadence)} must be Weekly or PeriodStart, was {(int)options.Cadence}.");
        }

        if (options.DayOfWeek is < IsoDayOfWeek.Monday or > IsoDayOfWeek.Sunday)
        {
            failures.Add($"{nameof(options.DayOfWeek)} must be a day of the week, was {(int)options.DayOfWeek}.");
        }

        if (options.TimeOfDay < TimeSpan.Zero || options.TimeOfDay >= TimeSpan.FromDays(1))
        {
            failures.Add($"{nameof(options.TimeOfDay)} must be a time of day (00:00 to 23:59:59), was {options.TimeOfDay}.");
        }

        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.TimeZone ?? string.Empty) is null)
        {
            failures.Add($"{nameof(options.TimeZone)} '{options.TimeZone}' is not an IANA time zone id.");
        }

        if (!Enum.IsDefined(options.Period))
        {
            failures.Add($"{nameof(options.Period)} must be Month, Quarter or FiscalYear, was {(int)options.Period}.");
        }

        if (options.FiscalYearStartMonth is < 1 or > 12)
        {
            failures.Add($"{nameof(options.FiscalYearStartMonth)} must be between 1 and 12, was {options.FiscalYearStartMonth}.");
        }

        try
        {
            _ = new CurrencyCode(options.Currency);
        }
        catch (Exception ex) when (ex is ArgumentException or OpportunityException)
        {
            failures.Add($"{nameof(options.Currency)} '{options.Currency}' is not a known ISO 4217 currency code.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
