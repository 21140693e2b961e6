namespace Opportunity.Core.Tests.Events;

public sealed class EventIdsTests
{
    [Fact]
    public void Of_PlainTenant_AppendsItAfterTheSequence()
    {
        Assert.Equal("Lead/L-1/3@acme", EventIds.Of("Lead", "L-1", 3, new TenantId("acme")));
    }

    [Fact]
    public void Of_TenantWithSeparators_EscapesThemSoTheIdStaysUnambiguous()
    {
        Assert.Equal("Lead/L-1/3@a%2Fb%40c%25d", EventIds.Of("Lead", "L-1", 3, new TenantId("a/b@c%d")));
    }

    [Theory]
    [InlineData("x/5", "L-1")] // 0.1.0 would have written Lead/L-1/3@x/5 for lead "L-1/3@x", sequence 5
    [InlineData("acme", "L-1/3@acme/7")]
    [InlineData("Lead", "L-1")]
    public void Of_AnyTenantAndId_NeverEqualsAnIdOf010(string tenant, string id)
    {
        var scoped = EventIds.Of("Lead", id, 3, new TenantId(tenant));

        // A 0.1.0 id ends in "/{digits}"; a tenant-scoped one never does.
        var lastSegment = scoped[(scoped.LastIndexOf('/') + 1)..];
        Assert.False(lastSegment.All(char.IsAsciiDigit), scoped);
    }
}
