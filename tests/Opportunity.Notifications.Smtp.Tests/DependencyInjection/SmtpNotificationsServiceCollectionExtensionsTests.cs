using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace Opportunity.Notifications.Smtp.Tests.DependencyInjection;

public sealed class SmtpNotificationsServiceCollectionExtensionsTests
{
    [Fact]
    public void UseSmtp_TwiceForOneNameAndOnceForAnother_TwoChannelsAndOneDispatcher()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(SmtpTestKit.Start));
        services.AddOpportunityManagement()
            .UseSmtp(o => { o.Host = "smtp.acme.example"; o.From = "leads@acme.example"; })
            .UseSmtp(o => o.Port = 2525)
            .UseSmtp("smtp-internal", o => { o.Host = "relay.acme.internal"; o.From = "noreply@acme.example"; o.Audiences.Remove(NotificationAudience.Partner); });
        using var provider = services.BuildServiceProvider();

        var channels = provider.GetServices<INotificationChannel>().ToList();
        var dispatcher = provider.GetRequiredService<NotificationDispatcher>();

        Assert.Equal(["smtp", "smtp-internal"], channels.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, dispatcher.Channels.Count);
        Assert.Equal(2525, provider.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get("smtp").Port);
    }

    [Fact]
    public void UseSmtp_InvalidOptions_FailValidationNamingEachOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSmtp(o =>
        {
            o.From = "not an address";
            o.Port = 0;
            o.UserName = "desk";
            o.Password = "pw";
            o.Security = SmtpSecurity.None;
            o.Timeout = Duration.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get("smtp"));

        Assert.Contains(ex.Failures, f => f.StartsWith("Host", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Port", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("From", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("clear text", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<OptionsValidationException>(() => new SmtpNotificationChannel(new SmtpNotificationOptions(), new FakeClock(SmtpTestKit.Start)));
    }
}
