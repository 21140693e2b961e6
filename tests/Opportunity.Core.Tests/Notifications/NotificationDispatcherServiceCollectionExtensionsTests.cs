using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Notifications;

namespace Opportunity.Core.Tests.Notifications;

public sealed class NotificationDispatcherServiceCollectionExtensionsTests
{
    [Fact]
    public void AddNotificationDispatcher_CalledTwice_OneDispatcherWithAccumulatedOptionsAndHostId()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(NotificationTestKit.Start));
        services.AddSingleton<INotificationChannel>(new RecordingChannel("mail"));
        services.AddOpportunityManagement(o => o.HostId = "host-a")
            .AddNotificationDispatcher(o => o.MaxAttempts = 7)
            .AddNotificationDispatcher(o => o.DefaultLanguage = "de");
        using var provider = services.BuildServiceProvider();

        var dispatcher = provider.GetRequiredService<NotificationDispatcher>();
        var options = provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value;

        Assert.Single(services, d => d.ServiceType == typeof(NotificationDispatcher));
        Assert.Same(dispatcher, provider.GetRequiredService<NotificationDispatcher>());
        Assert.Equal((7, "de"), (options.MaxAttempts, options.DefaultLanguage));
        Assert.StartsWith("host-a#", dispatcher.WorkerId, StringComparison.Ordinal);
        Assert.Equal("mail", Assert.Single(dispatcher.Channels).Name);
    }

    [Fact]
    public void AddNotificationDispatcher_InvalidOptions_FailValidationNamingEachOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddNotificationDispatcher(o =>
        {
            o.BatchSize = 0;
            o.InitialRetryDelay = Duration.FromHours(1);
            o.MaxRetryDelay = Duration.FromMinutes(1);
            o.DefaultLanguage = "english";
            o.OperationsEmail = "ops";
            o.LeaseDuration = Duration.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value);

        Assert.Equal(
            ["BatchSize", "DefaultLanguage", "LeaseDuration", "MaxRetryDelay", "OperationsEmail"],
            ex.Failures.Select(f => f.Split(' ')[0]).Order(StringComparer.Ordinal));
    }
}
