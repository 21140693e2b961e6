using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners that do not speak the lead's language. Leads without a language pass.</summary>
public sealed class LanguageRule : IRoutingFilter
{
    /// <summary>The kind name, <c>language</c>.</summary>
    public const string KindName = "language";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(context);
        var language = context.Lead.Language;
        return language is null || partner.Languages.Contains(language)
            ? FilterVerdict.Keep
            : FilterVerdict.Remove("does not speak '{2}'", text: language);
    }
}
