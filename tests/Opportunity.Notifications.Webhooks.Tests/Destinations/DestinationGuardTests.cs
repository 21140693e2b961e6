using System.Net;
using NodaTime.Testing;

namespace Opportunity.Notifications.Webhooks.Tests.Destinations;

/// <summary>The connect-time check, through a real HttpClient against a real Kestrel server on loopback.</summary>
public sealed class DestinationGuardTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() =>
        _receiver = await WebhookReceiver.StartAsync(new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.Secret), new FakeClock(WebhookTestKit.Start)));

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Connect_LoopbackLiteral_RefusedWithTypedException()
    {
        using var client = Client(new DestinationGuard(true, [], new FixedResolver([])));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_receiver.Url("/ok")));

        var refused = Assert.IsType<WebhookDestinationRefusedException>(ex.InnerException);
        Assert.Equal("127.0.0.1", refused.Host);
        Assert.Equal(DestinationAddressKind.Loopback, Assert.Single(refused.Refused).Kind);
        Assert.Equal(0, _receiver.Hits("/ok"));
    }

    [Fact]
    public async Task Connect_PublicNameResolvingToLoopback_RefusedUnlessAllowListed()
    {
        var resolver = new FixedResolver(new() { ["hooks.partner-crm.example"] = [IPAddress.Loopback] });
        var url = new Uri($"http://hooks.partner-crm.example:{_receiver.Port}/ok");
        using var guarded = Client(new DestinationGuard(true, [], resolver));
        using var allowed = Client(new DestinationGuard(true, [DestinationAddressPolicy.ParseNetwork("127.0.0.1")], resolver));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(url));
        using var response = await allowed.GetAsync(url);

        Assert.IsType<WebhookDestinationRefusedException>(ex.InnerException);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode); // reached the receiver, which wants a signature
        Assert.Equal(1, _receiver.Hits("/ok"));
        Assert.Equal(["hooks.partner-crm.example", "hooks.partner-crm.example"], resolver.Asked);
    }

    [Fact]
    public async Task Connect_MappedIpv6FormOfAllowListedAddress_Permitted()
    {
        var resolver = new FixedResolver(new() { ["mapped.example"] = [IPAddress.Parse("::ffff:127.0.0.1")] });
        using var guarded = Client(new DestinationGuard(true, [], resolver));
        using var allowed = Client(new DestinationGuard(true, [DestinationAddressPolicy.ParseNetwork("127.0.0.1")], resolver));
        var url = new Uri($"http://mapped.example:{_receiver.Port}/ok");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(url));
        var refused = Assert.IsType<WebhookDestinationRefusedException>(ex.InnerException);
        Assert.Equal(DestinationAddressKind.Ipv4Embedded, Assert.Single(refused.Refused).Kind);
        using var response = await allowed.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Connect_GuardDisabled_ConnectsAnywhere()
    {
        using var client = Client(new DestinationGuard(false, [], new FixedResolver([])));

        using var response = await client.GetAsync(_receiver.Url("/ok"));

        Assert.Equal(1, _receiver.Hits("/ok"));
    }

    [Fact]
    public async Task Connect_NameWithoutAddresses_FailsAsUnreachable()
    {
        using var client = Client(new DestinationGuard(true, [], new FixedResolver([])));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://nowhere.example/")));

        Assert.IsNotType<WebhookDestinationRefusedException>(ex.InnerException);
    }

    private static HttpClient Client(DestinationGuard guard) =>
        new(new SocketsHttpHandler { ConnectCallback = guard.ConnectAsync, UseProxy = false, AllowAutoRedirect = false });
}
