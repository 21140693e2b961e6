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
        Assert.IsType<TaskBackgroundDelay>(provider.GetRequiredService<IBackgroundDelay>());
    }

    [Fact]
    public void AddDueWorkHostedService_OwnDelayRegisteredFirst_IsKept()
    {
        var services = new ServiceCollection();
        var delay = new LoopDelays();
        services.AddSingleton<IBackgroundDelay>(delay);
        services.AddOpportunityManagement().AddDueWorkHostedService();
        using var provider = services.BuildServiceProvider();

        Assert.Same(delay, provider.GetRequiredService<IBackgroundDelay>());
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
        Assert.StartsWith("DueWorkHostingOptions.Interval must be between 0:00:00:01 and 1:00:00:00, was ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBackgroundProcessing_CalledTwice_BothLoopsOnceWithTheirOwnAccumulatedOptions()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement()
            .AddBackgroundProcessing(dueWork: o => o.Interval = Duration.FromSeconds(30), dispatch: o => o.MaxIdleInterval = Duration.FromMinutes(2))
            .AddBackgroundProcessing(dispatch: o => o.RunOnStart = false);
        using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Single(hosted.OfType<DueWorkHostedService>());
        Assert.Single(hosted.OfType<NotificationDispatchHostedService>());
        var dueWork = provider.GetRequiredService<IOptions<DueWorkHostingOptions>>().Value;
        var dispatch = provider.GetRequiredService<IOptions<NotificationDispatchHostingOptions>>().Value;
        Assert.Equal((Duration.FromSeconds(30), Duration.FromMinutes(5), true), (dueWork.Interval, dueWork.MaxIdleInterval, dueWork.RunOnStart));
        Assert.Equal((Duration.FromSeconds(5), Duration.FromMinutes(2), false), (dispatch.Interval, dispatch.MaxIdleInterval, dispatch.RunOnStart));
    }

    [Fact]
    public void AddBackgroundProcessing_MaxIdleIntervalOutOfRange_FailsValidationNamingTheLoopAndOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddBackgroundProcessing(dispatch: o => o.MaxIdleInterval = Duration.FromDays(2));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationDispatchHostingOptions>>().Value);
        Assert.Equal("NotificationDispatchHostingOptions.MaxIdleInterval must be between 0:00:00:01 and 1:00:00:00, was 2:00:00:00.", error.Message);
    }

    [Fact]
    public void AddDueWorkHostedService_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>(() => HostingOpportunityManagementBuilderExtensions.AddDueWorkHostedService(null!));
}
