namespace Opportunity.Forecasting;

/// <summary>
/// Which date a deal is converted at when a report, rollup or forecast turns several currencies into
/// one. The choice is explicit because the two give different figures for the same deals.
/// </summary>
public enum ExchangeRateDating
{
    /// <summary>
    /// One rate per currency for the whole report, the rate on the report's rate date (Salesforce's
    /// corporate, or static, rate): every deal of a currency is converted alike.
    /// </summary>
    Corporate = 0,

    /// <summary>
    /// Each deal at the rate in effect on the first day of its (expected or actual) close month
    /// (Salesforce's dated exchange rates): a deal closing in March uses March's rate, one closing in
    /// June June's, whatever the report's date.
    /// </summary>
    CloseMonth = 1,
}
