using Opportunity;
using Opportunity.Partners;
using Opportunity.Routing;

namespace Extending;

/// <summary>
/// A custom routing filter: named key accounts are reserved for one partner each; every other
/// partner is removed for leads from those companies. Reasons are composite formats ({2} is the
/// text argument), formatted only when someone reads the trace.
/// </summary>
public sealed class ExclusiveAccountsRule(IReadOnlyDictionary<string, PartnerId> reserved) : IRoutingFilter
{
    public string Kind => "exclusiveAccounts";

    public string Description => $"{Kind} ({reserved.Count} reserved accounts)";

    public FilterVerdict Check(Partner partner, RoutingContext context)
    {
        var company = context.Lead.Company;
        return company is not null && reserved.TryGetValue(company, out var owner) && owner != partner.Id
            ? FilterVerdict.Remove("account '{2}' is reserved for another partner", text: company)
            : FilterVerdict.Keep;
    }
}
