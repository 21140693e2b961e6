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

    [Fact]
    public void AddBackgroundProcessing_ConfigurationSection_BindsEachLoopFromItsSubsection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Opportunity:BackgroundProcessing:DueWork:Interval"] = "00:02:00",
            ["Opportunity:BackgroundProcessing:DueWork:MaxIdleInterval"] = "PT10M",
            ["Opportunity:BackgroundProcessing:Dispatch:Interval"] = "00:00:03",
            ["Opportunity:BackgroundProcessing:Dispatch:RunOnStart"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddBackgroundProcessing(configuration.GetSection("Opportunity:BackgroundProcessing"));
        using var provider = services.BuildServiceProvider();

        var dueWork = provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value;
        var dispatch = provider.GetRequiredService<IOptions<NotificationDispatchHostingOptions>>().Value;

        Assert.Equal(Duration.FromMinutes(2), dueWork.Interval);
        Assert.Equal(Duration.FromMinutes(10), dueWork.MaxIdleInterval);
        Assert.True(dueWork.RunOnStart);
        Assert.Equal(Duration.FromSeconds(3), dispatch.Interval);
        Assert.False(dispatch.RunOnStart);
    }

    [Fact]
    public void AddBackgroundProcessing_UnknownLoopSection_ThrowsNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Background:Interval"] = "00:01:00" }).Build();
        var builder = new ServiceCollection().AddOpportunityManagement();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddBackgroundProcessing(configuration.GetSection("Background")));

        Assert.Contains("'Background:Interval'", ex.Message, StringComparison.Ordinal);
    }
}
