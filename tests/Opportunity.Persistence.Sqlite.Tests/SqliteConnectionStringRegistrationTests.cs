using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>UseSqlite takes connection strings as EF Core does; paths go through UseSqliteFile; both resolve against the content root.</summary>
public sealed class SqliteConnectionStringRegistrationTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task UseSqlite_ConnectionString_StoresInItsDataSourceFile()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqlite($"Data Source={_database.Path}");
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<SqliteStore>().MigrateAsync();

        Assert.True(File.Exists(_database.Path));
        Assert.Empty(Directory.GetFiles(_database.Folder, "Data Source*", SearchOption.AllDirectories));
    }

    [Fact]
    public void UseSqlite_BarePath_ThrowsPointingToUseSqliteFile()
    {
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseSqlite("app.db"));

        Assert.Equal("connectionString", ex.ParamName);
        Assert.Contains("UseSqliteFile(\"app.db\")", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Data Source=app.db", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSqlite_UnknownKeyword_ThrowsNamingTheOptionWithoutEchoingTheString()
    {
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseSqlite("Data Source=app.db;Pasword=secret"));

        Assert.StartsWith(nameof(SqliteStoreOptions.ConnectionString) + ":", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSqlite_MissingConfigurationEntry_ThrowsSayingItIsEmpty()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseSqlite(configuration.GetConnectionString("Opportunity")!));

        Assert.Contains("ConnectionStrings:name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseSqlite_GetConnectionStringFromJsonFile_StoresInThatFile()
    {
        var configuration = JsonConfiguration($$"""{ "ConnectionStrings": { "Opportunity": "Data Source={{Escape(_database.Path)}};Cache=Shared" } }""");
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqlite(configuration.GetConnectionString("Opportunity")!);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<SqliteStore>().MigrateAsync();

        Assert.True(File.Exists(_database.Path));
    }

    [Fact]
    public async Task UseSqlite_ConfigurationSectionWithConnectionStringName_ResolvesItAndBindsTimeSpanDurations()
    {
        var configuration = JsonConfiguration($$"""
            {
              "ConnectionStrings": { "Opportunity": "Data Source={{Escape(_database.Path)}}" },
              "Opportunity": { "Sqlite": { "ConnectionStringName": "Opportunity", "BusyTimeout": "00:00:05", "DurableCommits": false } }
            }
            """);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpportunityManagement().UseSqlite(configuration.GetSection("Opportunity:Sqlite"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
        await provider.GetRequiredService<SqliteStore>().MigrateAsync();

        Assert.Equal(Duration.FromSeconds(5), options.BusyTimeout);
        Assert.False(options.DurableCommits);
        Assert.True(File.Exists(_database.Path));
    }

    [Fact]
    public void ConnectionStringName_MissingInConfiguration_FailsStartNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOpportunityManagement().UseSqlite(o => o.ConnectionStringName = "Crm");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);

        Assert.Contains("ConnectionStrings:Crm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_GarbageFromConfiguration_FailsStartNamingTheOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sqlite:ConnectionString"] = "opportunity.db" }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqlite(configuration.GetSection("Sqlite"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);

        Assert.Contains($"{nameof(SqliteStoreOptions.ConnectionString)}: 'opportunity.db' is a file path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PathAndConnectionString_BothSet_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSqliteFile(_database.Path).UseSqlite($"Data Source={_database.Path}");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);

        Assert.Contains("not both", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RelativeDatabase_InAHost_ResolvesAgainstTheContentRoot(bool asConnectionString)
    {
        var contentRoot = Path.Combine(_database.Folder, "app");
        Directory.CreateDirectory(contentRoot);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot, DisableDefaults = true });
        var opportunity = builder.Services.AddOpportunityManagement();
        _ = asConnectionString ? opportunity.UseSqlite("Data Source=data/crm.db") : opportunity.UseSqliteFile("data/crm.db");
        using var host = builder.Build();

        await host.Services.GetRequiredService<SqliteStore>().MigrateAsync();

        Assert.True(File.Exists(Path.Combine(contentRoot, "data", "crm.db")));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "data", "crm.db")));
    }

    private static string Escape(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal);

    private IConfigurationRoot JsonConfiguration(string json)
    {
        Directory.CreateDirectory(_database.Folder);
        var file = Path.Combine(_database.Folder, "appsettings.json");
        File.WriteAllText(file, json);
        return new ConfigurationBuilder().AddJsonFile(file).Build();
    }
}
