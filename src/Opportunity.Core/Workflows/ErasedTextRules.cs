namespace Opportunity.Workflows;

/// <summary>The shape of an e-mail address an erasure accepts: one <c>@</c> with text on both sides, no white space.</summary>
internal static class ErasedTextRules
{
    public static bool IsEmailAddress(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < text.Length - 1 && text.IndexOf('@', at + 1) < 0 && !text.Any(char.IsWhiteSpace) && !text.Any(char.IsControl);
    }
}
