using System.Globalization;

namespace Opportunity.AspNetCore.PartnerPortal;

/// <summary>An amount of money as the portal's JSON carries it: a decimal string (never a float) and an ISO 4217 code.</summary>
/// <param name="Amount">The amount with the currency's minor-unit digits, invariant culture, e.g. <c>"48000.00"</c>.</param>
/// <param name="Currency">The ISO 4217 code, e.g. <c>"EUR"</c>.</param>
public sealed record PortalMoney(string Amount, string Currency)
{
    internal static PortalMoney From(Money money) => new(
        money.Amount.ToString("F" + money.Currency.MinorUnitDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        money.Currency.Code);
}
