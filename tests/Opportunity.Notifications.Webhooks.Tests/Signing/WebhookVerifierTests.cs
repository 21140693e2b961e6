using System.Text;
using NodaTime;
using NodaTime.Testing;

namespace Opportunity.Notifications.Webhooks.Tests.Signing;

public sealed class WebhookVerifierTests
{
    private static readonly WebhookSecret Secret = WebhookSecret.Parse(WebhookTestKit.Secret);
    private static readonly Instant SentAt = Instant.FromUnixTimeSeconds(1_740_992_400);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"type\":\"LeadAssigned\"}");
    private static readonly string Signature = WebhookSignature.Compute(Secret, "msg_1", 1_740_992_400, Body);

    [Theory]
    [InlineData(0)]
    [InlineData(299)]
    [InlineData(300)]
    [InlineData(-300)]
    public void Verify_WithinDefaultTolerance_Accepts(int secondsLater)
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt + Duration.FromSeconds(secondsLater)));

        verifier.Verify("msg_1", "1740992400", Signature, Body);
    }

    [Theory]
    [InlineData(301, WebhookVerificationFailure.TimestampTooOld)]
    [InlineData(-301, WebhookVerificationFailure.TimestampTooNew)]
    public void Verify_OutsideDefaultTolerance_ThrowsNamingTheProblem(int secondsLater, WebhookVerificationFailure expected)
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt + Duration.FromSeconds(secondsLater)));

        var ex = Assert.Throws<WebhookVerificationException>(() => verifier.Verify("msg_1", "1740992400", Signature, Body));

        Assert.Equal(expected, ex.Failure);
        Assert.Contains("webhook-timestamp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CustomTolerance_IsApplied()
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt + Duration.FromMinutes(20)), Duration.FromMinutes(30));

        Assert.True(verifier.TryVerify("msg_1", "1740992400", Signature, Body, out _));
        Assert.Equal(Duration.FromMinutes(30), verifier.Tolerance);
    }

    [Theory]
    [InlineData(null, "1740992400", "sig")]
    [InlineData("msg_1", null, "sig")]
    [InlineData("msg_1", "1740992400", null)]
    [InlineData("", "1740992400", "sig")]
    [InlineData("msg_1", "1740992400", "  ")]
    public void Verify_MissingHeader_FailsAsMissingHeader(string? id, string? timestamp, string? signature)
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt));

        Assert.False(verifier.TryVerify(id, timestamp, signature == "sig" ? Signature : signature, Body, out var failure));
        Assert.Equal(WebhookVerificationFailure.MissingHeader, failure);
    }

    [Theory]
    [InlineData("17409924OO")]
    [InlineData("-1740992400")]
    [InlineData("1740992400.5")]
    [InlineData("99999999999999999999")]
    public void Verify_MalformedTimestamp_FailsAsMalformed(string timestamp)
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt));

        Assert.False(verifier.TryVerify("msg_1", timestamp, Signature, Body, out var failure));
        Assert.Equal(WebhookVerificationFailure.MalformedTimestamp, failure);
    }

    [Fact]
    public void Verify_TamperedBody_NoMatchingSignature()
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt));

        var ex = Assert.Throws<WebhookVerificationException>(() => verifier.Verify("msg_1", "1740992400", Signature, "{\"type\":\"LeadRejected\"}"));

        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, ex.Failure);
    }

    [Fact]
    public void Verify_OtherIdOrTimestampWithSameSignature_Rejected()
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt));

        Assert.False(verifier.TryVerify("msg_2", "1740992400", Signature, Body, out _));
        Assert.False(verifier.TryVerify("msg_1", "1740992401", Signature, Body, out _));
    }

    [Fact]
    public void Verify_UnknownVersionsAndGarbageBesideAValidSignature_Accepted()
    {
        var verifier = new WebhookVerifier(Secret, new FakeClock(SentAt));

        Assert.True(verifier.TryVerify("msg_1", "1740992400", $"v1a,AAAA v1,%%% nonsense v2,{Signature[3..]} {Signature}", Body, out _));
        Assert.False(verifier.TryVerify("msg_1", "1740992400", $"v2,{Signature[3..]}", Body, out _));
    }

    [Fact]
    public void Verify_RotatedSecrets_AcceptsSignatureByAnyOfThem()
    {
        var old = WebhookSecret.Parse(WebhookTestKit.OldSecret);
        var byOld = WebhookSignature.Compute(old, "msg_1", 1_740_992_400, Body);
        var verifier = new WebhookVerifier([Secret, old], new FakeClock(SentAt));

        Assert.True(verifier.TryVerify("msg_1", "1740992400", byOld, Body, out _));
        Assert.True(verifier.TryVerify("msg_1", "1740992400", Signature, Body, out _));
    }

    [Fact]
    public void Constructor_NoSecretsOrNegativeTolerance_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier([], new FakeClock(SentAt)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookVerifier(Secret, new FakeClock(SentAt), Duration.FromSeconds(-1)));
    }
}
