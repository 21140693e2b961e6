using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Opportunity.Configuration;

/// <summary>
/// A configuration section as the binder should see it: the named sub-sections look empty, so the
/// binder leaves the matching properties (immutable domain types it cannot construct) to a
/// <see cref="ConfigurationReader"/>. Their keys still count as known for
/// <c>ErrorOnUnknownConfiguration</c>, since they name properties of the options class.
/// Everything else, reload tokens included, is the section itself.
/// </summary>
internal sealed class ConfigurationWithoutSections(IConfiguration inner, params string[] hidden) : IConfiguration
{
    public string? this[string key]
    {
        get => inner[key];
        set => inner[key] = value;
    }

    public IConfigurationSection GetSection(string key) =>
        hidden.Contains(key, StringComparer.OrdinalIgnoreCase) ? new EmptySection(inner.GetSection(key)) : inner.GetSection(key);

    public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren();

    public IChangeToken GetReloadToken() => inner.GetReloadToken();
}

/// <summary>A section with the path of a real one but no value and no children.</summary>
file sealed class EmptySection(IConfigurationSection real) : IConfigurationSection
{
    public string Key => real.Key;

    public string Path => real.Path;

    public string? Value
    {
        get => null;
        set => throw new NotSupportedException();
    }

    public string? this[string key]
    {
        get => null;
        set => throw new NotSupportedException();
    }

    public IConfigurationSection GetSection(string key) => new EmptySection(real.GetSection(key));

    public IEnumerable<IConfigurationSection> GetChildren() => [];

    public IChangeToken GetReloadToken() => real.GetReloadToken();
}
