using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using static Opportunity.Persistence.Sqlite.SqliteCommands;

namespace Opportunity.Persistence.Sqlite;

// The customer keys of opportunities (migration 39): the columns and indexes the leads' duplicate keys
// have (migration 3), with the same names, so duplicate detection matches leads against deals and an
// erasure clears both tables alike. dup_phone and dup_email_domain hold personal data.
public sealed partial class SqliteStore
{
    private static string[] CustomerKeyColumnNames => ["dup_company", "dup_email_domain", "dup_phone"];

    private static object?[] CustomerKeyValues(DuplicateKeys? keys) => [keys?.Company, keys?.EmailDomain, keys?.Phone];

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = OpportunityScope(scope);
        var terms = CustomerKeyColumnNames.Zip(CustomerKeyValues(keys)).Where(t => t.Second is not null).ToList();
        if (terms.Count == 0)
        {
            return AsyncEnumerable.Empty<SalesOpportunity>();
        }

        // As for leads: one lookup per key in its partial (tenant, key) index, as a subquery.
        parameters.AddRange(terms.Select(t => ("$" + t.First, t.Second)));
        var ids = string.Join(" UNION ALL ", terms.Select(t => $"SELECT id FROM opportunities WHERE tenant = $tenant AND {t.First} = ${t.First}"));
        return QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, "opportunities", scope.Tenant, $"{where} AND id IN ({ids})", parameters, ReadOpportunity, cancellationToken);
    }
}
