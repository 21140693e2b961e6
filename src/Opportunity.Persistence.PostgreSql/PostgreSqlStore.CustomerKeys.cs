using Opportunity.Leads;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql;

// The customer keys of opportunities (migration 39): like the leads' duplicate keys (migration 13), each
// the 64-bit hash of tenant and key in the column of the same name, indexed alone, under the table's
// row-level security. The keys themselves live in the document (customerKeys; personal data).
public sealed partial class PostgreSqlStore
{
    private static string[] CustomerKeyColumnNames => ["dup_company_key", "dup_email_domain_key", "dup_phone_key"];

    private static object?[] CustomerKeyValues(TenantId tenant, DuplicateKeys? keys) =>
        [.. DuplicateKeyColumns(tenant, keys ?? new DuplicateKeys(null, null, null)).Select(c => c.Value)];

    /// <inheritdoc />
    public IAsyncEnumerable<SalesOpportunity> FindByCustomerKeysAsync(AccessScope scope, DuplicateKeys keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        var (where, parameters) = OpportunityScope(scope);
        var any = new List<string>();
        foreach (var (column, value) in CustomerKeyColumnNames.Zip(CustomerKeyValues(scope.Tenant, keys)))
        {
            if (value is not null)
            {
                parameters.Add(value);
                any.Add($"{column} = ${parameters.Count}");
            }
        }

        // The hashes may collide: the keys of each deal found are compared again.
        return any.Count == 0
            ? AsyncEnumerable.Empty<SalesOpportunity>()
            : QueryDocumentsAsync(StoredRecordKind.SalesOpportunity, scope, "opportunities", $"{where} AND ({string.Join(" OR ", any)})", parameters, ReadOpportunity, cancellationToken)
                .Where(deal => deal.CustomerKeys?.SharesAnyWith(keys) == true);
    }
}
