namespace Opportunity.Hosting;

/// <summary>The check every per-tenant loop's options share: at least one tenant, each a valid tenant id.</summary>
internal static class TenantListValidation
{
    /// <summary>Adds to <paramref name="failures"/> what is wrong with <paramref name="tenants"/>, named as <c>{owner}.Tenants</c>.</summary>
    public static void Check(string owner, IList<string> tenants, List<string> failures)
    {
        if (tenants.Count == 0)
        {
            failures.Add($"{owner}.Tenants must name at least one tenant.");
        }

        for (var i = 0; i < tenants.Count; i++)
        {
            if (!TenantId.TryParse(tenants[i], null, out _))
            {
                failures.Add($"{owner}.Tenants[{i}] is not a tenant id: '{tenants[i]}'.");
            }
        }
    }
}
