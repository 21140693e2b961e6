using Opportunity.Partners;

namespace Opportunity.Routing.Rules;

/// <summary>Removes partners that do not speak the lead's language. Leads without a language pass.</summary>
public sealed class LanguageRule : IColumnarFilter
{
    /// <summary>The kind name, <c>language</c>.</summary>
    public const string KindName = "language";

    private const string Removal = "does not speak '{2}'";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public string Description => KindName;

    /// <inheritdoc />
    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LeadValueMembership.Check(partner, context.Lead.Language, static p => p.Languages, Removal);
    }

    FilterVerdict IColumnarFilter.Check(int index, RoutingContext context)
    {
        ref readonly var row = ref context.Network.Row(index);
        return LeadValueMembership.Check(row, row.Languages, context.Lead.Language, context.LanguageKey, static p => p.Languages, Removal);
    }
}
