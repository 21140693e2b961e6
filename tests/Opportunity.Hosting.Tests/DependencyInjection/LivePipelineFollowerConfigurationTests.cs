using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Hosting;

namespace Opportunity.Hosting.Tests.DependencyInjection;

public sealed class LivePipelineFollowerConfigurationTests
{
    [Fact]
    public void AddLivePipelineFollower_ConfigurationSection_BindsTenantsBatchSizeIntervalAndRetention()
    {
        using var provider = Build(new()
        {
            ["LivePipeline:Tenants:0"] = "acme",
            ["LivePipeline:Tenants:1"] = "globex",
            ["LivePipeline:BatchSize"] = "250",
            ["LivePipeline:Interval"] = "PT2S",
            ["LivePipeline:FeedRetention"] = "P7D",
        });

        var options = provider.GetRequiredService<IOptions<LivePipelineHostingOptions>>().Value;

        Assert.Equal(["acme", "globex"], options.Tenants);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(Duration.FromSeconds(2), options.Interval);
        Assert.Equal(Duration.FromDays(7), options.FeedRetention);
        Assert.Same(provider.GetRequiredService<LivePipelineHostedService>(), provider.GetRequiredService<ILivePipelineProvider>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<LivePipelineHostedService>());
    }

    [Fact]
    public void AddLivePipelineFollower_NoTenantBatchSizeAndRetentionZero_FailsNamingEachOption()
    {
        using var provider = Build(new() { ["LivePipeline:BatchSize"] = "0", ["LivePipeline:FeedRetention"] = "00:00:00" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LivePipelineHostingOptions>>().Value);

        Assert.Contains("LivePipelineHostingOptions.Tenants", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LivePipelineHostingOptions.BatchSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LivePipelineHostingOptions.FeedRetention", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLivePipelineFollower_UnknownKey_FailsNamingIt()
    {
        using var provider = Build(new() { ["LivePipeline:Tenants:0"] = "acme", ["LivePipeline:Tenant"] = "acme" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<LivePipelineHostingOptions>>().Value);

        Assert.Contains("Tenant", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddLivePipelineFollower(configuration.GetSection("LivePipeline")).AddLivePipelineFollower();
        return services.BuildServiceProvider();
    }
}
