namespace Opportunity.Persistence.PostgreSql;

/// <summary>
/// The row-level security scope of one transaction. There is no "every tenant" scope: work across
/// tenants calls the owner's <c>SECURITY DEFINER</c> functions (migration 6) from a transaction
/// without a tenant (<see cref="NoTenant"/>), or sets each tenant of a batch in turn
/// (<see cref="PgCommands.SetTenantAsync"/>).
/// </summary>
internal readonly record struct DbScope(string Tenant, string Partner)
{
    /// <summary>No tenant: the tables show nothing; the owner's functions do the cross-tenant work.</summary>
    public static DbScope NoTenant { get; } = new(string.Empty, string.Empty);

    public static DbScope Of(TenantId tenant) => new(tenant.Value, string.Empty);

    public static DbScope Of(AccessScope scope) => new(scope.Tenant.Value, scope.Partner?.Value ?? string.Empty);
}
