using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Opportunity.Notifications.Smtp.Tests.Delivery;

/// <summary>TLS and authentication against a real SMTP server with a self-signed certificate.</summary>
public sealed class SmtpSecurityTests
{
    private static readonly X509Certificate2 Certificate = SmtpTestServer.CreateCertificate();

    [Fact]
    public async Task Deliver_StartTlsWithAuthentication_SentEncryptedAsTheUser()
    {
        await using var server = await SmtpTestServer.StartAsync(Certificate, credentials: ("partner-desk", "s3cret"));
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(server, o => Secure(o, SmtpSecurity.StartTls, "s3cret")), SmtpTestKit.Clock());

        var result = await channel.DeliverAsync(SmtpTestKit.Notification());

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var mail = Assert.Single(server.Mails);
        Assert.True(mail.Secure);
        Assert.Equal("partner-desk", mail.User);
        Assert.Equal("msg_abc@acme.example", mail.Message.MessageId);
    }

    [Fact]
    public async Task Deliver_ImplicitTls_SentEncrypted()
    {
        await using var server = await SmtpTestServer.StartAsync(Certificate, implicitTls: true);
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(server, o => Secure(o, SmtpSecurity.SslOnConnect, null)), SmtpTestKit.Clock());

        var result = await channel.DeliverAsync(SmtpTestKit.Notification());

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.True(Assert.Single(server.Mails).Secure);
    }

    [Fact]
    public async Task Deliver_WrongPassword_FailsPermanently()
    {
        await using var server = await SmtpTestServer.StartAsync(Certificate, credentials: ("partner-desk", "s3cret"));
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(server, o => Secure(o, SmtpSecurity.StartTls, "wrong")), SmtpTestKit.Clock());

        var result = await channel.DeliverAsync(SmtpTestKit.Notification());

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("authentication", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(server.Mails);
    }

    [Fact]
    public async Task Deliver_UntrustedCertificateWithoutPinning_FailsTransiently()
    {
        await using var server = await SmtpTestServer.StartAsync(Certificate);
        var channel = new SmtpNotificationChannel(SmtpTestKit.Options(server, o => o.Security = SmtpSecurity.StartTls), SmtpTestKit.Clock());

        var result = await channel.DeliverAsync(SmtpTestKit.Notification());

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("TLS", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Mails);
    }

    [Fact]
    public async Task Deliver_PinnedSha256FromConfiguration_SentEncryptedToThePinnedServerOnly()
    {
        await using var server = await SmtpTestServer.StartAsync(Certificate);
        var pinned = Convert.ToHexString(Certificate.GetCertHash(HashAlgorithmName.SHA256)).ToLowerInvariant();
        var withColons = string.Join(':', pinned.Chunk(2).Select(pair => new string(pair)));
        var other = Convert.ToHexString(SHA256.HashData([1, 2, 3]));

        var result = await DeliverThroughConfigurationAsync(server, withColons);
        var refused = await DeliverThroughConfigurationAsync(server, other);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.True(Assert.Single(server.Mails).Secure);
        Assert.Equal(DeliveryOutcome.TransientFailure, refused.Outcome);
        Assert.Contains("TLS", refused.Error, StringComparison.Ordinal);
        Assert.Single(server.Mails);
    }

    [Fact]
    public void UseSmtp_PinThatIsNoSha256OrPinAndCallback_FailsValidationNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement().UseSmtp(o =>
        {
            o.Host = "relay.internal";
            o.From = "crm@internal.example";
            o.ServerCertificateSha256.Add("AB:CD");
            o.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get(SmtpNotificationChannel.DefaultName));

        Assert.Contains(ex.Failures, f => f.StartsWith("ServerCertificateSha256 must hold SHA-256 hashes", StringComparison.Ordinal) && f.Contains("'AB:CD'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Set ServerCertificateSha256 or ServerCertificateValidationCallback, not both.", StringComparison.Ordinal));
    }

    /// <summary>One delivery through a channel registered by <c>UseSmtp(section)</c> from appsettings-style JSON pinning <paramref name="sha256"/>.</summary>
    private static async Task<DeliveryResult> DeliverThroughConfigurationAsync(SmtpTestServer server, string sha256)
    {
        var json = $$"""
            { "Smtp": { "Host": "127.0.0.1", "Port": {{server.Port}}, "Security": "StartTls", "From": "leads@acme.example",
                        "CheckCertificateRevocation": false, "ServerCertificateSha256": [ "{{sha256}}" ] } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(SmtpTestKit.Clock());
        services.AddOpportunityManagement().UseSmtp(configuration.GetSection("Smtp"));
        await using var provider = services.BuildServiceProvider();
        var channel = Assert.Single(provider.GetServices<INotificationChannel>());
        return await channel.DeliverAsync(SmtpTestKit.Notification());
    }

    private static void Secure(SmtpNotificationOptions o, SmtpSecurity security, string? password)
    {
        o.Security = security;
        o.CheckCertificateRevocation = false;
        o.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == Certificate.GetCertHashString();
        if (password is not null)
        {
            o.UserName = "partner-desk";
            o.Password = password;
        }
    }
}
