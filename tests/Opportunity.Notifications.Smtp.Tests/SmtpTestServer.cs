using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Opportunity.Notifications.Smtp.Tests;

/// <summary>A mail as the server received it: envelope, parsed message, whether the session was TLS and who logged in.</summary>
internal sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, bool Secure, string? User);

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1. The OS picks the port on first start;
/// <see cref="RestartAsync"/> listens on the same port again, so a client configured once sees the
/// server go down and come back. <see cref="Respond"/> decides the reply to DATA per attempt.
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly X509Certificate2? _certificate;
    private readonly bool _implicitTls;
    private readonly (string User, string Password)? _credentials;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private int _dataAttempts;

    private SmtpTestServer(X509Certificate2? certificate, bool implicitTls, (string, string)? credentials)
    {
        _certificate = certificate;
        _implicitTls = implicitTls;
        _credentials = credentials;
    }

    public int Port { get; private set; }

    public ConcurrentQueue<ReceivedMail> Mails { get; } = new();

    /// <summary>The reply to the n-th DATA command (1-based); default 250 OK.</summary>
    public Func<int, SmtpResponse> Respond { get; set; } = _ => SmtpResponse.Ok;

    public static async Task<SmtpTestServer> StartAsync(X509Certificate2? certificate = null, bool implicitTls = false, (string User, string Password)? credentials = null)
    {
        var server = new SmtpTestServer(certificate, implicitTls, credentials);
        await server.ListenAsync(0);
        return server;
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _running!;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _stop = null;
    }

    public Task RestartAsync() => ListenAsync(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A self-signed certificate for localhost, for STARTTLS and implicit TLS tests.</summary>
    public static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DateTimeOffset.FromUnixTimeSeconds(4_100_000_000));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private async Task ListenAsync(int port)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(_implicitTls).AllowUnsecureAuthentication(false).AuthenticationRequired(_credentials is not null);
                if (_certificate is not null)
                {
                    e.Certificate(_certificate);
                }
            })
            .Build();
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        if (_credentials is { } c)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) => user == c.User && password == c.Password));
        }

        _stop = new CancellationTokenSource();
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class Store(SmtpTestServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var response = server.Respond(Interlocked.Increment(ref server._dataAttempts));
            if (response.ReplyCode != SmtpReplyCode.Ok)
            {
                return response;
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            server.Mails.Enqueue(new ReceivedMail(
                transaction.From.AsAddress(),
                [.. transaction.To.Select(t => t.AsAddress())],
                message,
                context.Pipe.IsSecure,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null));
            return SmtpResponse.Ok;
        }
    }
}
