using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Hosting;

namespace Opportunity.Hosting.Tests.DependencyInjection;

public sealed class DueWorkHostingConfigurationTests
{
    [Theory]
    [InlineData("00:00:30")]
    [InlineData("PT30S")]
    public void AddDueWorkHostedService_ConfigurationSection_BindsIntervalInEitherForm(string interval)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Opportunity:DueWork:Interval"] = interval,
            ["Opportunity:DueWork:RunOnStart"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddDueWorkHostedService(configuration.GetSection("Opportunity:DueWork"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value;

        Assert.Equal(Duration.FromSeconds(30), options.Interval);
        Assert.False(options.RunOnStart);
    }

    [Fact]
    public void AddDueWorkHostedService_GarbageInterval_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DueWork:Interval"] = "every minute" }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddDueWorkHostedService(configuration.GetSection("DueWork"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value);

        Assert.Contains("DueWork:Interval", ex.Message, StringComparison.Ordinal);
    }
}
