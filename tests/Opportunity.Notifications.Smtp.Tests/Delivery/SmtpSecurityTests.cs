using System.Security.Cryptography.X509Certificates;

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
