using Microsoft.Extensions.DependencyInjection;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.Persistence.PostgreSql.Tests;

public sealed class PostgreSqlRoutingDecisionLogRegistrationTests
{
    private const string ConnectionString = "Host=127.0.0.1;Database=x";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UsePostgreSql_BeforeOrAfterAddLeadDistribution_DecisionLogIsThePostgreSqlStores(bool postgresFirst)
    {
        var services = new ServiceCollection();
        var builder = services.AddOpportunityManagement();
        if (postgresFirst)
        {
            builder.UsePostgreSql(ConnectionString).AddLeadDistribution().UsePostgreSql(ConnectionString);
        }
        else
        {
            builder.AddLeadDistribution().UsePostgreSql(ConnectionString).AddLeadDistribution();
        }

        await using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<PostgreSqlStore>().DecisionLog, provider.GetRequiredService<IRoutingDecisionLog>());
        Assert.Single(services, d => d.ServiceType == typeof(IRoutingDecisionLog));
    }
}
