namespace Opportunity.Notifications.Webhooks.Tests.Signing;

public sealed class WebhookSecretTests
{
    [Fact]
    public void Parse_WithAndWithoutPrefix_SameKey()
    {
        var withPrefix = WebhookSecret.Parse(WebhookTestKit.Secret);
        var without = WebhookSecret.Parse(WebhookTestKit.Secret["whsec_".Length..]);

        Assert.Equal(withPrefix.Encode(), without.Encode());
        Assert.Equal(WebhookTestKit.Secret, withPrefix.Encode());
        Assert.Equal(24, withPrefix.Length);
    }

    [Theory]
    [InlineData("whsec_", "base64")]
    [InlineData("whsec_not base64!", "base64")]
    [InlineData("whsec_c2hvcnQ=", "this one has 5")]
    public void Parse_Malformed_ThrowsSayingWhy(string text, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebhookSecret.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("text", ex.ParamName);
        Assert.False(WebhookSecret.TryParse(text, out _));
    }

    [Fact]
    public void FromBytes_OutsideLengthRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.FromBytes(new byte[23]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSecret.FromBytes(new byte[65]));
    }

    [Fact]
    public void Generate_ThirtyTwoBytesThatRoundTrip()
    {
        var secret = WebhookSecret.Generate();

        Assert.Equal(32, secret.Length);
        Assert.Equal(secret.Encode(), WebhookSecret.Parse(secret.Encode()).Encode());
        Assert.NotEqual(secret.Encode(), WebhookSecret.Generate().Encode());
    }

    [Fact]
    public void ToString_DoesNotRevealTheKey()
    {
        var secret = WebhookSecret.Parse(WebhookTestKit.Secret);

        Assert.DoesNotContain("MfKQ9r8G", secret.ToString(), StringComparison.Ordinal);
    }
}
