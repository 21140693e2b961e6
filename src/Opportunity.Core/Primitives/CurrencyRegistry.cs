using System.Collections.Immutable;

namespace Opportunity;

/// <summary>
/// The currencies <see cref="CurrencyCode"/> accepts: every active ISO 4217 code with a minor unit,
/// plus the codes an application adds with <see cref="Register"/> (an in-house unit, a withdrawn
/// code still held in old data, a code ISO adds after this release). A code that is neither is
/// refused with <see cref="UnknownCurrencyException"/>, so a typo (<c>EUE</c>) never becomes a
/// currency that every report then fails to convert.
/// </summary>
/// <remarks>
/// The registry is process-wide because currency codes are values created everywhere (JSON,
/// CSV, stores). Register at start-up, before data is read; registration only ever adds, and
/// registering the same code with the same digits again is harmless.
/// </remarks>
public static class CurrencyRegistry
{
    private static readonly Lock Gate = new();
    private static ImmutableDictionary<string, byte> _added = ImmutableDictionary.Create<string, byte>(StringComparer.Ordinal);

    /// <summary>The most minor-unit digits a currency may have (4, as ISO's CLF and UYW).</summary>
    public const int MaxMinorUnitDigits = 4;

    /// <summary>The built-in ISO 4217 codes, in ordinal order.</summary>
    public static IReadOnlyList<string> IsoCodes { get; } = [.. Iso4217.MinorUnitDigits.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The codes added with <see cref="Register"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> RegisteredCodes => [.. Volatile.Read(ref _added).Keys.Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="code"/> is an ISO code or a registered one.</summary>
    public static bool IsKnown(string code) => TryGetMinorUnitDigits(code, out _);

    /// <summary>The number of minor-unit digits of a known code.</summary>
    public static bool TryGetMinorUnitDigits(string code, out int minorUnitDigits)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (Iso4217.MinorUnitDigits.TryGetValue(code, out var iso) || Volatile.Read(ref _added).TryGetValue(code, out iso))
        {
            minorUnitDigits = iso;
            return true;
        }

        minorUnitDigits = 0;
        return false;
    }

    /// <summary>
    /// Adds a currency that is not in the built-in ISO 4217 list, for the whole process.
    /// </summary>
    /// <param name="code">Three upper-case ASCII letters, e.g. <c>XAU</c> or <c>HRK</c>.</param>
    /// <param name="minorUnitDigits">Digits after the decimal point of its minor unit, 0 to <see cref="MaxMinorUnitDigits"/>.</param>
    /// <returns>The code, ready to use.</returns>
    /// <exception cref="ArgumentException">The code is not three upper-case ASCII letters.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The digits are outside 0 to <see cref="MaxMinorUnitDigits"/>.</exception>
    /// <exception cref="InvalidOperationException">The code is known already with other digits (an ISO code cannot be redefined).</exception>
    public static CurrencyCode Register(string code, int minorUnitDigits)
    {
        CurrencyCode.CheckFormat(code);
        ArgumentOutOfRangeException.ThrowIfNegative(minorUnitDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minorUnitDigits, MaxMinorUnitDigits);
        lock (Gate)
        {
            if (TryGetMinorUnitDigits(code, out var known))
            {
                if (known != minorUnitDigits)
                {
                    throw new InvalidOperationException($"Currency {code} is known already with {known} minor-unit digits; it cannot be registered with {minorUnitDigits}.");
                }
            }
            else
            {
                Volatile.Write(ref _added, _added.Add(code, (byte)minorUnitDigits));
            }
        }

        return new CurrencyCode(code);
    }
}
