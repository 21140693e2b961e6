using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Hosting.Tests.DependencyInjection;

public sealed class HostingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDueWorkHostedService_CalledTwice_OneServiceAndTheOptionsAccumulate()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement()
            .AddDueWorkHostedService(o => o.Interval = Duration.FromSeconds(30))
            .AddDueWorkHostedService(o => o.RunOnStart = false);
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>().OfType<DueWorkHostedService>());
        var options = provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value;
        Assert.Equal((Duration.FromSeconds(30), false), (options.Interval, options.RunOnStart));
        Assert.IsType<TaskDueWorkDelay>(provider.GetRequiredService<IDueWorkDelay>());
    }

    [Fact]
    public void AddDueWorkHostedService_OwnDelayRegisteredFirst_IsKept()
    {
        var services = new ServiceCollection();
        var delay = new ManualDelay();
        services.AddSingleton<IDueWorkDelay>(delay);
        services.AddOpportunityManagement().AddDueWorkHostedService();
        using var provider = services.BuildServiceProvider();

        Assert.Same(delay, provider.GetRequiredService<IDueWorkDelay>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(86_401)]
    public void AddDueWorkHostedService_IntervalOutOfRange_FailsValidationNamingTheOption(int seconds)
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddDueWorkHostedService(o => o.Interval = Duration.FromSeconds(seconds));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value);
        Assert.StartsWith("Interval must be between 0:00:00:01 and 1:00:00:00, was ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDueWorkHostedService_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => HostingOpportunityManagementBuilderExtensions.AddDueWorkHostedService(null!));
}
