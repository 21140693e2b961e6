using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace Opportunity.Notifications.Webhooks.Tests.DependencyInjection;

public sealed class WebhookNotificationsServiceCollectionExtensionsTests
{
    [Fact]
    public void UseWebhooks_CalledTwice_RegistersOneChannelAndTheDispatcher()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(WebhookTestKit.Start));
        services.AddOpportunityManagement()
            .UseWebhooks(o => o.AddEndpoint("crm", new Uri("https://crm.example/hooks"), WebhookTestKit.Secret))
            .UseWebhooks(o => o.Timeout = Duration.FromSeconds(5));
        using var provider = services.BuildServiceProvider();

        var channel = Assert.IsType<WebhookNotificationChannel>(Assert.Single(provider.GetServices<INotificationChannel>()));
        var dispatcher = provider.GetRequiredService<NotificationDispatcher>();

        Assert.Equal("webhook", channel.Name);
        Assert.Same(channel, Assert.Single(dispatcher.Channels));
        Assert.Equal(Duration.FromSeconds(5), provider.GetRequiredService<IOptions<WebhookNotificationOptions>>().Value.Timeout);
    }

    [Fact]
    public void UseWebhooks_InvalidOptions_FailValidationNamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseWebhooks(o =>
        {
            o.AddEndpoint("crm", new Uri("ftp://crm.example/"), "whsec_short");
            o.AddEndpoint("CRM", new Uri("https://crm.example/"));
            o.AllowedNetworks.Add("intranet");
            o.Timeout = Duration.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookNotificationOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("Endpoints[0] ('crm').Url", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Endpoints[0] ('crm').Secrets[0]", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Endpoints[1] ('CRM').Name is used by another endpoint", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Endpoints[1] ('CRM').Secrets needs at least one", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("AllowedNetworks[0]", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void UseWebhooks_TimeoutLongerThanDispatcherDeliveryTimeout_FailsDispatcherValidationNamingBoth()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(WebhookTestKit.Start));
        services.AddOpportunityManagement()
            .AddNotificationDispatcher(o => o.DeliveryTimeout = Duration.FromSeconds(30))
            .UseWebhooks(o =>
            {
                o.AddEndpoint("crm", new Uri("https://crm.example/hooks"), WebhookTestKit.Secret);
                o.Timeout = Duration.FromMinutes(1);
            });
        using var provider = services.BuildServiceProvider();

        // What ValidateOnStart evaluates when the host starts.
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value);

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("Channel 'webhook' allows one delivery to take 0:00:01:00 (its Timeout option)", failure, StringComparison.Ordinal);
        Assert.Contains("NotificationDispatcherOptions.DeliveryTimeout (0:00:00:30)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void UseWebhooks_ResolverRegisteredBefore_IsKept()
    {
        var services = new ServiceCollection();
        var resolver = new FixedResolver([]);
        services.AddSingleton<IWebhookHostResolver>(resolver);
        services.AddOpportunityManagement().UseWebhooks(_ => { });
        using var provider = services.BuildServiceProvider();

        Assert.Same(resolver, provider.GetRequiredService<IWebhookHostResolver>());
        Assert.IsType<InMemoryWebhookEndpointStatus>(provider.GetRequiredService<IWebhookEndpointStatus>());
    }
}
