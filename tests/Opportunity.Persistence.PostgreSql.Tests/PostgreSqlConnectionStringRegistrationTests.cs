using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>UsePostgreSql validates connection strings with Npgsql and resolves named ones from configuration.</summary>
public sealed class PostgreSqlConnectionStringRegistrationTests
{
    [Fact]
    public void UsePostgreSql_UnknownKeyword_ThrowsNamingTheOptionWithoutEchoingTheString()
    {
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<ArgumentException>(() => builder.UsePostgreSql("Hots=db;Password=secret"));

        Assert.Equal("connectionString", ex.ParamName);
        Assert.StartsWith(nameof(PostgreSqlStoreOptions.ConnectionString) + ":", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgreSql_MissingConfigurationEntry_ThrowsSayingItIsEmpty()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<ArgumentException>(() => builder.UsePostgreSql(configuration.GetConnectionString("Opportunity")!));

        Assert.Contains("ConnectionStrings:name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionStringNames_MissingInConfiguration_FailStartNamingBoth()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Opportunity:PostgreSql:ConnectionStringName"] = "Crm",
            ["Opportunity:PostgreSql:MigrationConnectionStringName"] = "CrmOwner",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpportunityManagement().UsePostgreSql(configuration.GetSection("Opportunity:PostgreSql"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value);

        Assert.Contains("ConnectionStrings:Crm'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:CrmOwner'", ex.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task UsePostgreSql_ConfigurationSectionWithConnectionStringName_MigratesTheNamedDatabase()
    {
        var schema = "cfg_" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Opportunity"] = PostgresTestDatabase.Owner,
            ["Opportunity:PostgreSql:ConnectionStringName"] = "Opportunity",
            ["Opportunity:PostgreSql:Schema"] = schema,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpportunityManagement().UsePostgreSql(configuration.GetSection("Opportunity:PostgreSql"));
        await using var provider = services.BuildServiceProvider();
        try
        {
            await provider.GetRequiredService<PostgreSqlStore>().MigrateAsync();

            await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select count(*) from information_schema.tables where table_schema = @schema and table_name = 'leads'", connection);
            command.Parameters.AddWithValue("schema", schema);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
        finally
        {
            await PostgresTestDatabase.ExecuteAsOwnerAsync($"drop schema if exists {schema} cascade");
        }
    }
}
