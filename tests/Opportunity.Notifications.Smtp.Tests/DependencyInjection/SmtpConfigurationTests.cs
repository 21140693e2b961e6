using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications.Smtp.Tests.DependencyInjection;

public sealed class SmtpConfigurationTests
{
    [Fact]
    public void UseSmtp_ConfigurationSection_BindsEveryScalarAndReplacesTheAudiences()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "smtp.example.com",
            ["Smtp:Port"] = "465",
            ["Smtp:Security"] = "SslOnConnect",
            ["Smtp:From"] = "leads@example.com",
            ["Smtp:Timeout"] = "00:00:20",
            ["Smtp:Audiences:0"] = "Partner",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSmtp(configuration.GetSection("Smtp"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get(SmtpNotificationChannel.DefaultName);

        Assert.Equal("smtp.example.com", options.Host);
        Assert.Equal(465, options.Port);
        Assert.Equal(SmtpSecurity.SslOnConnect, options.Security);
        Assert.Equal("leads@example.com", options.From);
        Assert.Equal(Duration.FromSeconds(20), options.Timeout);
        Assert.Equal([NotificationAudience.Partner], options.Audiences);
    }

    [Fact]
    public void UseSmtp_NamedChannelWithoutAudiences_KeepsTheDefaultAudiences()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Internal:Host"] = "relay.internal",
            ["Internal:From"] = "crm@internal.example",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSmtp("internal", configuration.GetSection("Internal"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get("internal");

        Assert.Equal("relay.internal", options.Host);
        Assert.Equal(3, options.Audiences.Count);
    }
}
