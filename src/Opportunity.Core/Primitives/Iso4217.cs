using System.Collections.Frozen;

namespace Opportunity;

/// <summary>
/// ISO 4217 List One: the active alphabetic codes that have a minor unit, with its number of
/// digits (amendments up to 2025, which added XCG). Codes without a minor unit (gold XAU, SDR XDR,
/// the bond-market units XBA–XBD, the test code XTS, "no currency" XXX, XSU, XUA) are left out
/// because <see cref="Money"/> needs one; register them through <see cref="CurrencyRegistry"/> with
/// the digits you use. ANG, SLL and ZWL are withdrawn in 2024–2025 but kept so stored deals in them
/// stay readable.
/// </summary>
internal static class Iso4217
{
    public static FrozenDictionary<string, byte> MinorUnitDigits { get; } = Build();

    private static FrozenDictionary<string, byte> Build()
    {
        // One line per number of minor-unit digits; every other active code uses 2.
        string[][] byDigits =
        [
            ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"],
            [],
            [
                "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND",
                "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CNY", "COP", "COU",
                "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
                "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR",
                "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
                "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK",
                "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
                "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
                "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
            ],
            ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"],
            ["CLF", "UYW"],
        ];
        var table = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (var digits = 0; digits < byDigits.Length; digits++)
        {
            foreach (var code in byDigits[digits])
            {
                table.Add(code, (byte)digits);
            }
        }

        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
