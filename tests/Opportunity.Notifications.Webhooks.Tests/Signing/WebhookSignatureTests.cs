using System.Text;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using StandardWebhooks;

namespace Opportunity.Notifications.Webhooks.Tests.Signing;

public sealed class WebhookSignatureTests
{
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";

    [Fact]
    public void Compute_SpecificationTestVector_ReproducesPublishedSignature()
    {
        var signature = WebhookSignature.Compute(WebhookSecret.Parse(WebhookTestKit.Secret), SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Verify_SpecificationTestVector_AcceptedAtItsTimestamp()
    {
        var verifier = new WebhookVerifier(WebhookSecret.Parse(WebhookTestKit.Secret), new FakeClock(Instant.FromUnixTimeSeconds(SpecTimestamp)));

        verifier.Verify(SpecId, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SpecBody);
    }

    [Property(MaxTest = 200)]
    public bool Compute_AnyInput_EqualsReferenceImplementation(int seed)
    {
        var (key, id, timestamp, body) = RandomInput(seed);

        var ours = WebhookSignature.Compute(WebhookSecret.FromBytes(key), id, timestamp, Encoding.UTF8.GetBytes(body));
        var reference = new StandardWebhook(key).Sign(id, DateTimeOffset.FromUnixTimeSeconds(timestamp), body);

        return ours == reference;
    }

    [Property(MaxTest = 200)]
    public bool Verify_ReferenceSignatureOfAnyInput_IsAccepted(int seed)
    {
        var (key, id, timestamp, body) = RandomInput(seed);
        var reference = new StandardWebhook(key).Sign(id, DateTimeOffset.FromUnixTimeSeconds(timestamp), body);
        var verifier = new WebhookVerifier(WebhookSecret.FromBytes(key), new FakeClock(Instant.FromUnixTimeSeconds(timestamp)));

        return verifier.TryVerify(id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), reference, Encoding.UTF8.GetBytes(body), out _);
    }

    [Fact]
    public async Task Verify_ReferenceHttpContent_IsAccepted()
    {
        var key = WebhookSecret.Parse(WebhookTestKit.Secret);
        using var content = new StandardWebhook(WebhookTestKit.Secret).MakeHttpContent(new { type = "LeadAssigned", lead = "L-1" }, "msg_ref", DateTimeOffset.FromUnixTimeSeconds(1_740_992_400));
        var body = await content.ReadAsByteArrayAsync();
        var verifier = new WebhookVerifier(key, new FakeClock(Instant.FromUnixTimeSeconds(1_740_992_400)));

        verifier.Verify(
            content.Headers.GetValues(WebhookHeaders.Id).Single(),
            content.Headers.GetValues(WebhookHeaders.Timestamp).Single(),
            content.Headers.GetValues(WebhookHeaders.Signature).Single(),
            body);
    }

    [Fact]
    public void CreateHeader_TwoSecrets_OneSignaturePerSecretEachVerifiable()
    {
        var current = WebhookSecret.Parse(WebhookTestKit.Secret);
        var old = WebhookSecret.Parse(WebhookTestKit.OldSecret);
        var body = Encoding.UTF8.GetBytes(SpecBody);

        var header = WebhookSignature.CreateHeader([current, old], SpecId, SpecTimestamp, body);

        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(WebhookSignature.Compute(old, SpecId, SpecTimestamp, body), parts[1]);
        var clock = new FakeClock(Instant.FromUnixTimeSeconds(SpecTimestamp));
        Assert.True(new WebhookVerifier(old, clock).TryVerify(SpecId, "1614265330", header, body, out _));
        Assert.True(new WebhookVerifier(current, clock).TryVerify(SpecId, "1614265330", header, body, out _));
        Assert.False(new WebhookVerifier(WebhookSecret.Generate(), clock).TryVerify(SpecId, "1614265330", header, body, out _));
    }

    [Fact]
    public void CreateHeader_NoSecrets_Throws()
    {
        Assert.Throws<ArgumentException>(() => WebhookSignature.CreateHeader([], SpecId, SpecTimestamp, []));
    }

    // Ids and bodies with dots, quotes, non-ASCII and surrogate pairs; keys of every allowed length.
    internal static (byte[] Key, string Id, long Timestamp, string Body) RandomInput(int seed)
    {
        var random = new Random(seed);
        var key = new byte[random.Next(WebhookSecret.MinBytes, WebhookSecret.MaxBytes + 1)];
        random.NextBytes(key);
        string[] pieces = ["a", "Z", "0", ".", "\"", "{", "}", " ", "ü", "€", "😀", "msg_", "\\n", "é"];
        string Text(int max) => string.Concat(Enumerable.Range(0, random.Next(1, max)).Select(_ => pieces[random.Next(pieces.Length)]));
        return (key, Text(40), random.NextInt64(0, 4_102_444_800), Text(400));
    }
}
