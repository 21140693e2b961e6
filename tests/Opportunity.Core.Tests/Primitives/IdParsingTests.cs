namespace Opportunity.Core.Tests.Primitives;

/// <summary>Ids are <see cref="ISpanParsable{TSelf}"/> so ASP.NET Core binds them from routes and queries.</summary>
public sealed class IdParsingTests
{
    public static TheoryData<string> InvalidTexts => ["", "   ", "has space", "tab\t", "zero\u200Bwidth", new string('x', 101)];

    [Fact]
    public void Parse_ValidText_EqualsConstructedId()
    {
        AssertParses(new LeadId("L-1"));
        AssertParses(new PartnerId("p_42"));
        AssertParses(new OpportunityId("O/2026/7"));
        AssertParses(new TenantId("acme"));
    }

    [Theory]
    [MemberData(nameof(InvalidTexts))]
    public void Parse_InvalidText_ThrowsFormatExceptionNamingTheType(string text)
    {
        AssertRefuses<LeadId>(text);
        AssertRefuses<PartnerId>(text);
        AssertRefuses<OpportunityId>(text);
        AssertRefuses<TenantId>(text);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => LeadId.Parse(null!, null));
        Assert.False(LeadId.TryParse((string?)null, null, out var result));
        Assert.Equal(default, result);
    }

    [Fact]
    public void Parse_InvalidText_InnerExceptionCarriesTheTextRule()
    {
        var ex = Assert.Throws<FormatException>(() => PartnerId.Parse("a b", null));
        var inner = Assert.IsType<InvalidTextException>(ex.InnerException);
        Assert.Equal(TextViolation.WhiteSpace, inner.Violation);
        Assert.Equal(1, inner.Index);
    }

    [Fact]
    public void ToString_WithFormat_IsThePlainValue()
    {
        Assert.Equal("L-1", new LeadId("L-1").ToString("G", System.Globalization.CultureInfo.GetCultureInfo("de-DE")));
        Assert.Equal("acme", $"{new TenantId("acme")}");
        Assert.Equal("p1", string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:X}", new PartnerId("p1")));
    }

    private static void AssertParses<T>(T expected)
        where T : ISpanParsable<T>, IFormattable
    {
        var text = expected.ToString(null, null);
        Assert.Equal(expected, T.Parse(text, null));
        Assert.Equal(expected, T.Parse(text.AsSpan(), null));
        Assert.True(T.TryParse(text, null, out var fromString));
        Assert.Equal(expected, fromString);
        Assert.True(T.TryParse(text.AsSpan(), null, out var fromSpan));
        Assert.Equal(expected, fromSpan);
    }

    private static void AssertRefuses<T>(string text)
        where T : struct, ISpanParsable<T>
    {
        var ex = Assert.Throws<FormatException>(() => T.Parse(text, null));
        Assert.Contains(typeof(T).Name, ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => T.Parse(text.AsSpan(), null));
        Assert.False(T.TryParse(text, null, out var fromString));
        Assert.Equal(default, fromString);
        Assert.False(T.TryParse(text.AsSpan(), null, out var fromSpan));
        Assert.Equal(default, fromSpan);
    }
}
