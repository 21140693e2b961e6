using System.ComponentModel;
using NodaTime;

namespace Opportunity.Configuration;

/// <summary>Makes the configuration binder read the library's option types from appsettings.json.</summary>
internal static class ConfigurationConverters
{
    private static int _registered;

    /// <summary>
    /// Replaces NodaTime's <see cref="Duration"/> converter (round-trip pattern only, so
    /// <c>"00:00:10"</c> failed the host at start) with <see cref="DurationTypeConverter"/>, which
    /// accepts that pattern too. Process-wide, as type converters are; idempotent.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            TypeDescriptor.AddAttributes(typeof(Duration), new TypeConverterAttribute(typeof(DurationTypeConverter)));
        }
    }
}
